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
