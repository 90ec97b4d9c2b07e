package ailm.controls.data.data_005_test

import data.ailm.controls.data.data_005
import rego.v1

inp(train, ref) := {"evidence": {
	"plan": {"id": "p", "data": {"sensitive_features": ["sex"], "reference_population": ref}},
	"data_scan": {"id": "s", "data": {"result": {"datasets": [
		{"role": "train", "group_counts": {"sex": train}},
		{"role": "test", "group_counts": {"sex": {"F": 400, "M": 600}}},
	]}}},
}}

test_pass_balanced_groups if {
	count(data_005.deny) == 0 with input as inp({"F": 480, "M": 520}, {"sex": {"F": 0.5, "M": 0.5}})
}

test_not_applicable_without_sensitive_features if {
	count(data_005.not_applicable) == 1 with input as {"evidence": {"plan": {"id": "p", "data": {}}}}
}

test_fail_small_group if {
	some f in data_005.deny with input as inp({"F": 480, "M": 520, "X": 12}, {})
	f.msg == "train split: group sex=X has 12 rows, fewer than 30"
}

test_fail_share_off_reference if {
	data_005.deny == {
		{"msg": "train split: group sex=F is 0.2 of rows, reference 0.5 (tolerance 0.1)", "evidence": ["s", "p"]},
		{"msg": "train split: group sex=M is 0.8 of rows, reference 0.5 (tolerance 0.1)", "evidence": ["s", "p"]},
	} with input as inp({"F": 200, "M": 800}, {"sex": {"F": 0.5, "M": 0.5}})
}
