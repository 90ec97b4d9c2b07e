package ailm.controls.development.dev_005_test

import data.ailm.controls.development.dev_005
import rego.v1

feature(name, cols, dpd, eod, groups) := {
	"feature": name, "columns": cols, "status": "measured", "notes": [],
	"demographic_parity_difference": dpd, "equalized_odds_difference": eod,
	"confidence_intervals": {"demographic_parity_difference": [0.05, 0.07], "equalized_odds_difference": null},
	"groups": groups,
}

big := [{"group": "F", "count": 500, "insufficient_evidence": false}, {"group": "M", "count": 900, "insufficient_evidence": false}]

inp(features) := {
	"evidence": {
		"plan": {"id": "plan1", "data": {"sensitive_features": ["sex"]}},
		"fair": {"id": "fair1", "data": {"result": {"dataset": "test", "min_group_size": 30, "features": features}}},
	},
	"expired": [],
}

test_pass_within_limits if {
	count(dev_005.deny) == 0 with input as inp([feature("sex", ["sex"], 0.06, 0.04, big)])
	count(dev_005.warn) == 0 with input as inp([feature("sex", ["sex"], 0.06, 0.04, big)])
}

test_fail_each_limit if {
	dev_005.deny == {
		{"msg": "sex: demographic parity difference is 0.18 (CI 0.05-0.07), above 0.1", "evidence": ["fair1"]},
		{"msg": "sex: equalized odds difference is 0.2 (no interval), above 0.1", "evidence": ["fair1"]},
	} with input as inp([feature("sex", ["sex"], 0.18, 0.2, big)])
}

test_small_group_is_named_not_dropped if {
	small := array.concat(big, [{"group": "X", "count": 12, "insufficient_evidence": true}])
	dev_005.warn == {{"msg": "sex = X: 12 rows, below the minimum 30: insufficient evidence", "evidence": ["fair1"]}} with input as inp([feature("sex", ["sex"], 0.06, 0.04, small)])
}

test_a_group_with_an_undefined_rate_is_named_not_counted if {
	excluded := json.patch(feature("sex", ["sex"], 0.06, 0.04, big), [{"op": "add", "path": "/excluded_from_equalized_odds", "value": [{"group": "F", "rate": "tpr", "reason": "no positive true label, so its true positive rate is undefined"}]}])
	count(dev_005.deny) == 0 with input as inp([excluded])
	dev_005.warn == {{"msg": "sex = F: no positive true label, so its true positive rate is undefined; equalized odds compare the other groups without it", "evidence": ["fair1"]}} with input as inp([excluded])
}

test_intersection_warns if {
	fs := [feature("sex", ["sex"], 0.06, 0.04, big), feature("sex x race", ["sex", "race"], 0.3, 0.04, big)]
	count(dev_005.deny) == 0 with input as inp(fs)
	dev_005.warn == {{"msg": "intersection sex x race: demographic parity difference is 0.3, above 0.1", "evidence": ["fair1"]}} with input as inp(fs)
}

test_fail_without_measurement if {
	some f in dev_005.deny with input as json.remove(inp([]), ["evidence/fair"])
	f.msg == "evidence 'fair' is missing"
}

test_fail_undefined if {
	some f in dev_005.deny with input as inp([json.patch(feature("sex", ["sex"], 0.06, null, big), [{"op": "replace", "path": "/notes", "value": ["a group lacks positive or negative true labels: equalized odds are undefined"]}])])
	f.msg == "sex: equalized odds difference undefined (a group lacks positive or negative true labels: equalized odds are undefined)"
}
