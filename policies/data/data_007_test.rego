package ailm.controls.data.data_007_test

import data.ailm.controls.data.data_007
import rego.v1

facts := [{"id": "f", "data": {"name": "train", "lawful_basis": "consent", "consent": {"column": "consent"}}}]

scan(n) := {"id": "s", "data": {"result": {"consent_retention": [{"dataset": "train", "consent": {"column": "consent", "status": "measured", "rows": 100, "rows_without_valid_consent": n}}]}}}

test_pass_all_rows_consented if {
	count(data_007.deny) == 0 with input as {"evidence": {"ds_facts": facts, "data_scan": scan(0)}}
}

test_not_applicable_other_basis if {
	count(data_007.not_applicable) == 1 with input as {"evidence": {"ds_facts": [{"id": "f", "data": {"name": "t", "lawful_basis": "contract"}}]}}
}

test_fail_rows_without_consent if {
	data_007.deny == {{"msg": "train split: 3 of 100 rows have no valid consent in column consent", "evidence": ["s"]}} with input as {"evidence": {"ds_facts": facts, "data_scan": scan(3)}}
}

test_fail_no_consent_column if {
	some f in data_007.deny with input as {"evidence": {"ds_facts": [{"id": "f", "data": {"name": "t", "lawful_basis": "consent"}}], "data_scan": scan(0)}}
	contains(f.msg, "declares no consent.column")
}
