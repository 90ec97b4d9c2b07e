# METADATA
# title: Retirement criteria are measurable and an expected lifetime is stated
# description: >-
#   The system must state its expected lifetime and measurable retirement criteria (a metric, a
#   comparison, a threshold and how many consecutive windows trigger action), so that retiring it is a
#   decision made by rule, not by drift.
# custom:
#   id: RET-002
#   severity: high
#   stage: maintenance
#   evidence: [retirement]
#   remediation: >-
#     Declare `retirement` with expected_lifetime_months and retirement_criteria, a list of
#     {metric, operator (< <= > >=), threshold, windows}.
#   frameworks:
#     eu_ai_act: ["Art. 13(3)(e)", "Art. 20"]
#     nist_ai_rmf: ["GOVERN 1.7", "MANAGE 2.4"]
#     iso_42001: ["A.6.2.6"]
package ailm.controls.maintenance.ret_002

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent("retirement"), "evidence": lib.absent_ids("retirement")} if not input.evidence.retirement

deny contains {"msg": "retirement declares no expected_lifetime_months", "evidence": [ret.id]} if {
	ret := input.evidence.retirement
	not positive(object.get(ret.data, "expected_lifetime_months", null))
}

deny contains {"msg": "retirement declares no retirement_criteria", "evidence": [ret.id]} if {
	ret := input.evidence.retirement
	not lib.filled(object.get(ret.data, "retirement_criteria", null))
}

deny contains {"msg": sprintf("retirement criterion %d is not measurable: %s", [i + 1, why]), "evidence": [ret.id]} if {
	ret := input.evidence.retirement
	some [i, why] in unmeasurable
}

criteria := object.get(object.get(input.evidence, "retirement", {"data": {}}).data, "retirement_criteria", [])

unmeasurable contains [i, "no metric"] if {
	some i, c in criteria
	not lib.filled(object.get(c, "metric", null))
}

unmeasurable contains [i, "operator is not one of < <= > >="] if {
	some i, c in criteria
	not object.get(c, "operator", "") in {"<", "<=", ">", ">="}
}

unmeasurable contains [i, "threshold is not a number"] if {
	some i, c in criteria
	not is_number(object.get(c, "threshold", null))
}

unmeasurable contains [i, "windows is not a positive number"] if {
	some i, c in criteria
	not positive(object.get(c, "windows", null))
}

positive(x) if {
	is_number(x)
	x > 0
}
