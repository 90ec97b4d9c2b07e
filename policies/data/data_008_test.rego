package ailm.controls.data.data_008_test

import data.ailm.controls.data.data_008
import rego.v1

now := time.parse_rfc3339_ns("2026-11-23T00:00:00Z")

scan(feats) := {"id": "s", "data": {"result": {"datasets": [{"role": "train", "personal_data": [{"column": "race", "kind": "special_category"}], "special_category_as_features": feats}]}}}

sc := {"purpose": "bias_detection", "pseudonymised": true, "access_logged": true, "delete_by": "2027-06-30"}

inp(feats, s) := {"as_of_ns": now, "evidence": {"data_scan": scan(feats), "ds_facts": [{"id": "f", "data": {"name": "train", "special_category": s}}]}}

test_pass_bias_detection_only if {
	count(data_008.deny) == 0 with input as inp([], sc)
}

test_not_applicable_without_special_data if {
	count(data_008.not_applicable) == 1 with input as {"evidence": {"data_scan": {"id": "s", "data": {"result": {"datasets": [{"role": "train", "personal_data": [], "special_category_as_features": []}]}}}}}
}

test_fail_used_as_feature if {
	data_008.deny == {{"msg": "train split: special-category data are model features: race", "evidence": ["s"]}} with input as inp(["race"], sc)
}

test_fail_delete_by_passed if {
	data_008.deny == {{"msg": "dataset train special-category data should have been deleted by 2026-01-01", "evidence": ["f"]}} with input as inp([], object.union(sc, {"delete_by": "2026-01-01"}))
}

test_fail_found_but_undeclared if {
	some f in data_008.deny with input as {"evidence": {"data_scan": scan([])}}
	contains(f.msg, "no dataset declares special_category facts")
}
