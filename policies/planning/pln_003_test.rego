package ailm.controls.planning.pln_003_test

import data.ailm.controls.planning.pln_003
import rego.v1

risk := {"id": "R1", "likelihood": 2, "severity": 4, "treatment": "human review", "owner": "cro", "residual": 6}

good := {
	"as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"),
	"evidence": {
		"risk_register": {"id": "rr", "data": {"assessed_at": "2026-06-01", "appetite": 8, "risks": [risk]}},
		"reg": {"id": "reg", "data": {"version": "3", "created_at": "2026-05-20T08:00:00Z"}},
	},
	"expired": [],
}

test_pass_assessed_after_version if {
	count(pln_003.deny) == 0 with input as good
}

test_pass_high_residual_with_signed_acceptance if {
	accepted := json.patch(good, [{"op": "add", "path": "/evidence/risk_register/data/risks/-", "value": object.union(risk, {"id": "R2", "residual": 12, "acceptance": {"signed_by": "ceo", "signed_at": "2026-06-02"}})}])
	count(pln_003.deny) == 0 with input as accepted
}

test_fail_residual_above_appetite_unsigned if {
	bad := json.patch(good, [{"op": "replace", "path": "/evidence/risk_register/data/risks/0/residual", "value": 12}])
	pln_003.deny == {{"msg": "risk R1 has residual 12 above the appetite 8 and no signed acceptance", "evidence": ["rr"]}} with input as bad
}

test_fail_assessment_predates_version if {
	bad := json.patch(good, [{"op": "replace", "path": "/evidence/reg/data/created_at", "value": "2026-07-01T00:00:00Z"}])
	some f in pln_003.deny with input as bad
	contains(f.msg, "predates model version 3")
}

test_fail_missing_register if {
	pln_003.deny == {{"msg": "evidence 'risk_register' is missing", "evidence": []}} with input as {"evidence": {}, "expired": []}
}
