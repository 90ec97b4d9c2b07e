package ailm.controls.planning.pln_004_test

import data.ailm.controls.planning.pln_004
import rego.v1

ia := {"id": "ia", "data": {"affected_groups": ["applicants"], "impacts": ["denied credit"]}}

credit := {"id": "inv", "data": {"ai_act_class": "high", "annex_iii_category": "5(b) creditworthiness"}}

test_pass_limited_risk_without_fria if {
	count(pln_004.deny) == 0 with input as {"evidence": {"impact_assessment": ia, "inventory": {"id": "inv", "data": {"ai_act_class": "limited"}}}}
}

test_pass_credit_scoring_with_fria if {
	with_fria := json.patch(ia, [{"op": "add", "path": "/data/fria", "value": {"completed_at": "2026-02-01", "uri": "https://x/fria"}}])
	count(pln_004.deny) == 0 with input as {"evidence": {"impact_assessment": with_fria, "inventory": credit}}
}

test_fail_credit_scoring_without_fria if {
	some f in pln_004.deny with input as {"evidence": {"impact_assessment": ia, "inventory": credit}}
	contains(f.msg, "Art. 27 applies (a high-risk system for credit scoring")
	f.evidence == ["ia", "inv"]
}

test_fail_public_service_without_fria if {
	some f in pln_004.deny with input as {"evidence": {"impact_assessment": ia, "inventory": {"id": "inv", "data": {"ai_act_class": "high", "annex_iii_category": "4(a)"}}, "deployment": {"id": "d", "data": {"public_service": true}}}}
	contains(f.msg, "public body")
}

test_fail_missing_assessment if {
	pln_004.deny == {{"msg": "evidence 'impact_assessment' is missing", "evidence": []}} with input as {"evidence": {}, "expired": []}
}
