package ailm.controls.development.dev_001_test

import data.ailm.controls.development.dev_001
import rego.v1

good := {"evidence": {
	"reg": {"id": "reg", "data": {"run_id": "r1", "artifact_digest": "aa"}},
	"run": {"id": "run", "data": {
		"run_id": "r1", "git_commit": "abc", "params": {"random_state": "7", "max_iter": "200"},
		"datasets": [{"name": "train", "digest": "d1"}], "tags": {"container_digest": "sha256:ff"},
	}},
	"fair": {"id": "fair", "data": {"inputs": {"model": {"artifact_sha256": "aa"}}}},
}}

test_pass_reproducible_run if {
	count(dev_001.deny) == 0 with input as good
}

test_fail_no_seed_and_no_image if {
	bad := json.patch(good, [{"op": "remove", "path": "/evidence/run/data/params/random_state"}, {"op": "remove", "path": "/evidence/run/data/tags/container_digest"}])
	dev_001.deny == {
		{"msg": "training run r1 records no random seed", "evidence": ["run"]},
		{"msg": "training run r1 records no container image digest (tag container_digest)", "evidence": ["run"]},
	} with input as bad
}

test_fail_artifact_differs_from_measured if {
	bad := json.patch(good, [{"op": "replace", "path": "/evidence/fair/data/inputs/model/artifact_sha256", "value": "bb"}])
	some f in dev_001.deny with input as bad
	contains(f.msg, "is not the artifact measured by fair")
}

test_fail_version_from_other_run if {
	bad := json.patch(good, [{"op": "replace", "path": "/evidence/reg/data/run_id", "value": "r2"}])
	some f in dev_001.deny with input as bad
	f.msg == "the registry version names run r2 but run r1 was collected"
}

test_fail_failed_registration_and_deleted_run if {
	bad := json.patch(good, [
		{"op": "add", "path": "/evidence/reg/data/status", "value": "FAILED_REGISTRATION"},
		{"op": "add", "path": "/evidence/run/data/lifecycle_stage", "value": "deleted"},
	])
	dev_001.deny == {
		{"msg": "the registry version's status is FAILED_REGISTRATION, not READY: it was never registered whole", "evidence": ["reg"]},
		{"msg": "training run r1 is deleted in the tracking store, so its record cannot be relied on", "evidence": ["run"]},
	} with input as bad
}

scanned(disagreements) := json.patch(good, [{"op": "add", "path": "/evidence/data_scan", "value": {"id": "scan", "data": {"result": {"datasets": [{
	"role": "train", "uri": "file:///d/train.csv", "sha256": "cc", "rows": 1000000,
	"logged_by_run": {"evidence": "mlflow:dataset:train@d1", "digest": "d1", "rows": 1000, "elements": 14000},
	"disagreements": disagreements,
}]}}}}])

test_pass_the_logged_dataset_is_the_file_measured if {
	count(dev_001.deny) == 0 with input as scanned([])
}

test_fail_a_logged_sample_is_not_the_file_measured if {
	dev_001.deny == {{"msg": "the train dataset run r1 logged (mlflow:dataset:train@d1, MLflow digest d1) is not the file ailm measured (file:///d/train.csv, sha256 cc): rows: the run logged 1000, the file holds 1000000", "evidence": ["scan"]}} with input as scanned(["rows: the run logged 1000, the file holds 1000000"])
}

test_fail_the_perf_measurement_of_another_artifact if {
	bad := json.patch(good, [{"op": "add", "path": "/evidence/perf", "value": {"id": "perf", "data": {"inputs": {"model": {"artifact_sha256": "bb"}}}}}])
	some f in dev_001.deny with input as bad
	contains(f.msg, "is not the artifact measured by perf")
}
