package ailm.controls.development.dev_002_test

import data.ailm.controls.development.dev_002
import rego.v1

inp(v) := {"evidence": {
	"plan": {"id": "p", "data": {"design_choices": "gradient boosting over logistic regression", "baseline": {"metric": "test_roc_auc", "value": 0.88}}},
	"run": {"id": "r", "data": {"run_id": "r1", "metrics": {"test_roc_auc": v}}},
}}

test_pass_beats_baseline if {
	count(dev_002.deny) == 0 with input as inp(0.92)
}

test_fail_below_baseline if {
	dev_002.deny == {{"msg": "test_roc_auc = 0.85 is below the documented baseline 0.88", "evidence": ["p", "r"]}} with input as inp(0.85)
}

test_fail_undocumented if {
	dev_002.deny == {
		{"msg": "plan declares no baseline", "evidence": ["p"]},
		{"msg": "plan declares no design_choices", "evidence": ["p"]},
	} with input as {"evidence": {"plan": {"id": "p", "data": {}}, "run": {"id": "r", "data": {"run_id": "r1", "metrics": {}}}}}
}
