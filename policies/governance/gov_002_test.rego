package ailm.controls.governance.gov_002_test

import data.ailm.controls.governance.gov_002
import rego.v1

inv(d) := {"evidence": {"inventory": {"id": "i", "data": d}}, "expired": []}

high := {"ai_act_class": "high", "ai_act_rationale": "credit scoring", "annex_iii_category": "5(b)"}

test_pass_high_risk_with_category if {
	count(gov_002.deny) == 0 with input as inv(high)
}

test_pass_minimal_needs_no_category if {
	count(gov_002.deny) == 0 with input as inv({"ai_act_class": "minimal", "ai_act_rationale": "spam filter"})
}

test_fail_prohibited if {
	some f in gov_002.deny with input as inv(object.union(high, {"ai_act_class": "prohibited"}))
	contains(f.msg, "prohibited AI practice")
}

test_fail_high_without_category if {
	gov_002.deny == {{"msg": "a high-risk system names no annex_iii_category (or annex_i_legislation)", "evidence": ["i"]}} with input as inv(object.remove(high, ["annex_iii_category"]))
}

test_fail_unknown_class_and_no_rationale if {
	count(gov_002.deny) == 2 with input as inv({"ai_act_class": "medium"})
}

test_fail_missing_inventory if {
	gov_002.deny == {{"msg": "evidence 'inventory' is missing", "evidence": []}} with input as {"evidence": {}, "expired": []}
}
