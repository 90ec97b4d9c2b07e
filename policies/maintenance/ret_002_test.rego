package ailm.controls.maintenance.ret_002_test

import data.ailm.controls.maintenance.ret_002
import rego.v1

inp(criteria) := {
	"evidence": {"retirement": {"id": "ret1", "data": {
		"expected_lifetime_months": 24,
		"retirement_criteria": criteria,
	}}},
	"expired": [],
}

good := {"metric": "test_accuracy", "operator": "<", "threshold": 0.8, "windows": 3}

test_pass_measurable_criteria if {
	count(ret_002.deny) == 0 with input as inp([good])
}

test_fail_vague_criterion if {
	ret_002.deny == {
		{"msg": "retirement criterion 2 is not measurable: no metric", "evidence": ["ret1"]},
		{"msg": "retirement criterion 2 is not measurable: threshold is not a number", "evidence": ["ret1"]},
	} with input as inp([good, {"metric": "", "operator": "<", "threshold": "low", "windows": 3}])
}

test_fail_no_criteria if {
	ret_002.deny == {{"msg": "retirement declares no retirement_criteria", "evidence": ["ret1"]}} with input as inp([])
}

test_fail_missing if {
	ret_002.deny == {{"msg": "evidence 'retirement' is missing", "evidence": []}} with input as {"evidence": {}, "expired": []}
}
