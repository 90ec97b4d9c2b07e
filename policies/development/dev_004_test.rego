package ailm.controls.development.dev_004_test

import data.ailm.controls.development.dev_004
import rego.v1

inp(ratio) := {
	"evidence": {
		"plan": {"id": "plan1", "data": {"sensitive_features": ["sex"]}},
		"run": {"id": "run1", "data": {"metrics": {"fairness.sex.demographic_parity_ratio": ratio}}},
	},
	"expired": [],
}

test_pass_ratio_above_four_fifths if {
	count(dev_004.deny) == 0 with input as inp(0.85)
}

test_fail_ratio_below_four_fifths if {
	dev_004.deny == {{"msg": "demographic parity ratio for sex is 0.34, below 0.8", "evidence": ["plan1", "run1"]}} with input as inp(0.34)
}

test_threshold_is_data if {
	count(dev_004.deny) == 0 with input as inp(0.34) with data.ailm.thresholds.four_fifths_ratio as 0.3
}

test_fail_not_measured if {
	some f in dev_004.deny with input as json.patch(inp(0.9), [{"op": "replace", "path": "/evidence/plan/data/sensitive_features", "value": ["sex", "race"]}])
	f.msg == "no demographic parity ratio measured for race (metric fairness.race.demographic_parity_ratio)"
}
