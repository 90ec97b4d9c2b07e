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

measured(ratio, logged) := json.patch(inp(logged), [{"op": "add", "path": "/evidence/fair", "value": {"id": "fair1", "data": {"result": {
	"dataset": "test",
	"features": [{
		"feature": "sex", "status": "measured", "notes": [],
		"demographic_parity_ratio": ratio,
		"confidence_intervals": {"demographic_parity_ratio": [0.3, 0.37]},
	}],
}}}}])

test_pass_ratio_above_four_fifths if {
	count(dev_004.deny) == 0 with input as inp(0.85)
}

test_fail_ratio_below_four_fifths if {
	dev_004.deny == {{"msg": "demographic parity ratio for sex is 0.34, below 0.8", "evidence": ["plan1", "run1"]}} with input as inp(0.34)
}

test_warn_when_only_logged if {
	count(dev_004.warn) == 1 with input as inp(0.85)
	count(dev_004.warn) == 0 with input as measured(0.85, 0.85)
}

test_threshold_is_data if {
	count(dev_004.deny) == 0 with input as inp(0.34) with data.ailm.thresholds.four_fifths_ratio as 0.3
}

test_fail_not_measured if {
	some f in dev_004.deny with input as json.patch(inp(0.9), [{"op": "replace", "path": "/evidence/plan/data/sensitive_features", "value": ["sex", "race"]}])
	f.msg == "no demographic parity ratio measured for race (metric fairness.race.demographic_parity_ratio)"
}

test_pass_measured if {
	count(dev_004.deny) == 0 with input as measured(0.85, 0.85)
}

test_fail_measured_with_interval if {
	dev_004.deny == {{"msg": "measured demographic parity ratio for sex is 0.34 (CI 0.3-0.37), below 0.8", "evidence": ["plan1", "fair1"]}} with input as measured(0.34, 0.34)
}

test_fail_logged_disagrees_with_measured if {
	dev_004.deny == {{"msg": "the run logged fairness.sex.demographic_parity_ratio = 0.95 but ailm measured 0.85 on the same split", "evidence": ["fair1", "run1"]}} with input as measured(0.85, 0.95)
}

test_measured_wins_over_logged if {
	# the run claims a pass; the measurement says otherwise, and the disagreement is reported too
	count(dev_004.deny) == 2 with input as measured(0.34, 0.9)
}

test_fail_feature_not_measured if {
	some f in dev_004.deny with input as json.patch(measured(0.9, 0.9), [{"op": "replace", "path": "/evidence/plan/data/sensitive_features", "value": ["sex", "age"]}])
	f.msg == "sensitive feature age was not measured (not in the test data)"
}

test_fail_insufficient if {
	some f in dev_004.deny with input as json.patch(measured(0.9, 0.9), [
		{"op": "replace", "path": "/evidence/fair/data/result/features/0/status", "value": "insufficient_evidence"},
		{"op": "replace", "path": "/evidence/fair/data/result/features/0/notes", "value": ["fewer than two groups with enough rows to compare"]},
	])
	f.msg == "sex: insufficient evidence: fewer than two groups with enough rows to compare"
}
