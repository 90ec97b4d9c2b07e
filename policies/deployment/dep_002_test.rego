package ailm.controls.deployment.dep_002_test

import data.ailm.controls.deployment.dep_002
import rego.v1

inp(acc) := {"evidence": {
	"deployment": {"id": "dep", "data": {}},
	"plan": {"id": "p", "data": {"sensitive_features": ["sex"]}},
	"run": {"id": "run", "data": {"metrics": {"test_accuracy": 0.865}}},
	"instructions_for_use": {"id": "ifu", "data": {"metrics": {"test_accuracy": acc}, "per_group_performance": {"sex": {"F": 0.92, "M": 0.83}}, "limitations": ["US census population only"], "expected_lifetime_months": 24}},
}}

test_pass_metrics_as_evaluated if {
	count(dep_002.deny) == 0 with input as inp(0.86)
}

test_fail_overstated_accuracy if {
	dep_002.deny == {{"msg": "instructions for use state test_accuracy = 0.9, the evaluation logged 0.865", "evidence": ["ifu", "run"]}} with input as inp(0.9)
}

test_fail_missing_instructions if {
	some f in dep_002.deny with input as {"evidence": {"deployment": {"id": "dep", "data": {}}}, "expired": []}
	f.msg == "deployed, but evidence 'instructions_for_use' is missing"
}
