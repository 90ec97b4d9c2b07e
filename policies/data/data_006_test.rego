package ailm.controls.data.data_006_test

import data.ailm.controls.data.data_006
import rego.v1

scan(pd, ids) := {"id": "s", "data": {"result": {"datasets": [{"role": "train", "personal_data": pd, "direct_identifiers_as_features": ids}]}}}

age := [{"column": "age", "kind": "personal"}]

facts(extra) := [{"id": "f", "data": object.union({"name": "train", "personal_data": true}, extra)}]

test_pass_pseudonymised_with_basis if {
	count(data_006.deny) == 0 with input as {"evidence": {"data_scan": scan(age, []), "ds_facts": facts({"lawful_basis": "contract", "pseudonymised": true})}}
}

test_not_applicable_without_personal_data if {
	count(data_006.not_applicable) == 1 with input as {"evidence": {"data_scan": scan([], [])}}
}

test_fail_direct_identifier_feature if {
	some f in data_006.deny with input as {"evidence": {"data_scan": scan([{"column": "email", "kind": "direct_identifier"}], ["email"]), "ds_facts": facts({"lawful_basis": "contract", "pseudonymised": true})}}
	f.msg == "train split: direct identifiers are model features: email"
}

test_fail_undeclared_personal_data if {
	data_006.deny == {{"msg": "train split holds personal data (age) but no dataset declares personal_data: true", "evidence": ["s"]}} with input as {"evidence": {"data_scan": scan(age, [])}}
}

test_fail_not_pseudonymised if {
	data_006.deny == {{"msg": "dataset train holds personal data and is not declared pseudonymised", "evidence": ["f"]}} with input as {"evidence": {"data_scan": scan(age, []), "ds_facts": facts({"lawful_basis": "consent"})}}
}
