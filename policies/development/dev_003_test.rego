package ailm.controls.development.dev_003_test

import data.ailm.controls.development.dev_003
import rego.v1

inp(recall) := {
	"evidence": {
		"plan": {"id": "plan1", "data": {"success_metrics": [
			{"metric": "test_accuracy", "threshold": 0.85, "defined_at": "2026-01-10"},
			{"metric": "test_recall", "threshold": 0.7, "defined_at": "2026-01-10"},
		]}},
		"run": {"id": "run1", "data": {"run_id": "r", "started_at": "2026-02-01T10:00:00Z", "metrics": {"test_accuracy": 0.86, "test_recall": recall}}},
	},
	"expired": [],
}

test_pass_all_thresholds_met if {
	count(dev_003.deny) == 0 with input as inp(0.75)
}

test_fail_recall_below_threshold if {
	dev_003.deny == {{"msg": "test_recall = 0.6 does not meet the declared min threshold 0.7", "evidence": ["plan1", "run1"]}} with input as inp(0.6)
}

test_fail_threshold_defined_after_run if {
	late := json.patch(inp(0.75), [{"op": "replace", "path": "/evidence/plan/data/success_metrics/0/defined_at", "value": "2026-03-01"}])
	some f in dev_003.deny with input as late
	startswith(f.msg, "threshold for test_accuracy was defined at 2026-03-01")
}

test_fail_metric_not_measured if {
	missing := json.patch(inp(0.75), [{"op": "remove", "path": "/evidence/run/data/metrics/test_recall"}])
	dev_003.deny == {{"msg": "success metric test_recall was not measured by run r", "evidence": ["plan1", "run1"]}} with input as missing
}
