package ailm.controls.development.dev_003_test

import data.ailm.controls.development.dev_003
import rego.v1

measurement(value) := {"status": "measured", "metric": "recall", "split": "test", "value": value, "ci": [value - 0.02, value + 0.02]}

# logged: what the run logged; measured: ailm's own measurement of test_recall
inp(logged, measured) := {
	"evidence": {
		"plan": {"id": "plan1", "data": {"success_metrics": [
			{"metric": "test_accuracy", "threshold": 0.85, "defined_at": "2026-01-10"},
			{"metric": "test_recall", "threshold": 0.7, "defined_at": "2026-01-10"},
		]}},
		"run": {"id": "run1", "data": {"run_id": "r", "started_at": "2026-02-01T10:00:00Z", "metrics": {"test_accuracy": 0.86, "test_recall": logged}}},
		"perf": {"id": "perf1", "data": {"result": {"metrics": {
			"test_accuracy": {"status": "measured", "metric": "accuracy", "split": "test", "value": 0.86, "ci": [0.85, 0.87]},
			"test_recall": measured,
		}}}},
	},
	"expired": [],
}

test_pass_all_thresholds_met if {
	count(dev_003.deny) == 0 with input as inp(0.75, measurement(0.75))
}

test_pass_logged_within_tolerance_of_the_measurement if {
	count(dev_003.deny) == 0 with input as inp(0.755, measurement(0.75))
}

test_fail_recall_below_threshold if {
	dev_003.deny == {
		{"msg": "test_recall = 0.6 (measured by ailm on the test split, CI 0.58-0.62) does not meet the declared min threshold 0.7", "evidence": ["plan1", "perf1"]},
	} with input as inp(0.6, measurement(0.6))
}

# The run logged 0.95; the registered model's recall on the test split is 0.659: judged on 0.659, and the log
# that disagrees is a finding of its own.
test_fail_a_logged_claim_that_disagrees_with_the_measurement if {
	dev_003.deny == {
		{"msg": "test_recall = 0.659 (measured by ailm on the test split, CI 0.639-0.679) does not meet the declared min threshold 0.7", "evidence": ["plan1", "perf1"]},
		{"msg": "test_recall logged by run r as 0.95 disagrees with ailm's measurement 0.659 (measured by ailm on the test split, CI 0.639-0.679), by more than 0.01", "evidence": ["plan1", "run1", "perf1"]},
	} with input as inp(0.95, measurement(0.659))
}

test_fail_a_logged_number_without_a_measurement if {
	no_perf := json.patch(inp(0.95, measurement(0.95)), [{"op": "remove", "path": "/evidence/perf"}])
	dev_003.deny == {
		{"msg": "test_accuracy = 0.86 is logged by run r, not measured (ailm measured nothing (evidence 'perf' is missing: give the audit an analysis block)): a logged number cannot alone satisfy this critical control", "evidence": ["plan1", "run1"]},
		{"msg": "test_recall = 0.95 is logged by run r, not measured (ailm measured nothing (evidence 'perf' is missing: give the audit an analysis block)): a logged number cannot alone satisfy this critical control", "evidence": ["plan1", "run1"]},
	} with input as no_perf
}

test_fail_a_metric_ailm_cannot_measure if {
	cannot := {"status": "not_measurable", "value": null, "reason": "no test dataset to measure it on"}
	dev_003.deny == {{"msg": "test_recall = 0.95 is logged by run r, not measured (not_measurable: no test dataset to measure it on): a logged number cannot alone satisfy this critical control", "evidence": ["plan1", "run1"]}} with input as inp(0.95, cannot)
}

test_fail_an_undefined_measurement if {
	undefined := {"status": "undefined", "value": null, "reason": "the split has no positive label in the test data"}
	dev_003.deny == {{"msg": "test_recall = 0.95 is logged by run r, not measured (undefined: the split has no positive label in the test data): a logged number cannot alone satisfy this critical control", "evidence": ["plan1", "run1"]}} with input as inp(0.95, undefined)
}

test_fail_a_measured_value_of_the_wrong_type if {
	some f in dev_003.deny with input as inp(0.95, {"status": "measured", "value": "0.95", "ci": null})
	startswith(f.msg, "test_recall = 0.95 is logged by run r, not measured")
}

test_fail_a_measured_value_of_the_wrong_type_names_the_field if {
	some f in dev_003.deny with input as inp(0.95, {"status": "measured", "value": "0.95", "ci": null})
	f.msg == "the value ailm measured for test_recall (perf1) is \"0.95\" (a string), not a number"
	f.evidence == ["plan1", "perf1"]
}

test_fail_a_logged_value_of_the_wrong_type if {
	some f in dev_003.deny with input as inp("0.95", measurement(0.75))
	f.msg == "test_recall logged by run r is \"0.95\" (a string), not a number"
}

test_fail_threshold_defined_after_run if {
	late := json.patch(inp(0.75, measurement(0.75)), [{"op": "replace", "path": "/evidence/plan/data/success_metrics/0/defined_at", "value": "2026-03-01"}])
	some f in dev_003.deny with input as late
	startswith(f.msg, "threshold for test_accuracy was defined at 2026-03-01")
}

test_pass_measured_but_not_logged if {
	missing := json.patch(inp(0.75, measurement(0.75)), [{"op": "remove", "path": "/evidence/run/data/metrics/test_recall"}])
	count(dev_003.deny) == 0 with input as missing
}

test_fail_metric_neither_measured_nor_logged if {
	missing := json.patch(inp(0.75, measurement(0.75)), [
		{"op": "remove", "path": "/evidence/run/data/metrics/test_recall"},
		{"op": "remove", "path": "/evidence/perf/data/result/metrics/test_recall"},
	])
	dev_003.deny == {{"msg": "success metric test_recall was neither measured by ailm (ailm's measurement does not name it (perf1)) nor logged by run r", "evidence": ["plan1", "run1"]}} with input as missing
}

test_fail_a_deleted_training_run if {
	deleted := json.patch(inp(0.75, measurement(0.75)), [{"op": "add", "path": "/evidence/run/data/lifecycle_stage", "value": "deleted"}])
	dev_003.deny == {{"msg": "training run r is deleted in the tracking store: it is not the training run of record, and its logged metrics and start time are not evidence", "evidence": ["run1"]}} with input as deleted
}

test_pass_an_active_training_run if {
	active := json.patch(inp(0.75, measurement(0.75)), [{"op": "add", "path": "/evidence/run/data/lifecycle_stage", "value": "active"}])
	count(dev_003.deny) == 0 with input as active
}
