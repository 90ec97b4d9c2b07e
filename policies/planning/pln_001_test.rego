package ailm.controls.planning.pln_001_test

import data.ailm.controls.planning.pln_001
import rego.v1

good := {"evidence": {
	"plan": {"id": "p", "data": {
		"business_objective": "pre-screen",
		"success_metrics": [{"metric": "test_accuracy", "threshold": 0.8, "defined_at": "2026-01-05"}],
		"feasibility": {"decision": "go", "decided_at": "2026-01-10"},
	}},
	"run": {"id": "r", "data": {"started_at": "2026-02-01T10:00:00Z"}},
}}

test_pass_go_before_training if {
	count(pln_001.deny) == 0 with input as good
}

test_fail_feasibility_after_training if {
	late := json.patch(good, [{"op": "replace", "path": "/evidence/plan/data/feasibility/decided_at", "value": "2026-03-01"}])
	pln_001.deny == {{"msg": "the feasibility decision (2026-03-01) is not before the training run started (2026-02-01T10:00:00Z)", "evidence": ["p", "r"]}} with input as late
}

test_fail_no_go_and_incomplete_metric if {
	bad := json.patch(good, [
		{"op": "replace", "path": "/evidence/plan/data/feasibility/decision", "value": "no-go"},
		{"op": "remove", "path": "/evidence/plan/data/success_metrics/0/threshold"},
	])
	count(pln_001.deny) == 2 with input as bad
}

test_fail_missing_plan if {
	pln_001.deny == {{"msg": "evidence 'plan' is missing", "evidence": []}} with input as {"evidence": {}, "expired": []}
}
