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

ret := input.evidence.retirement

criteria := lib.list(lib.get(lib.data_of("retirement"), "retirement_criteria"))

deny contains {"msg": lib.absent("retirement"), "evidence": lib.absent_ids("retirement")} if not lib.has("retirement")

deny contains {"msg": "retirement declares no expected_lifetime_months", "evidence": [ret.id]} if {
	not positive(lib.get(ret.data, "expected_lifetime_months"))
}

deny contains {"msg": "retirement declares no retirement_criteria", "evidence": [ret.id]} if {
	not lib.filled(lib.get(ret.data, "retirement_criteria"))
}

deny contains {"msg": lib.not_a_list("retirement.retirement_criteria", v), "evidence": [ret.id]} if {
	v := lib.get(ret.data, "retirement_criteria")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": sprintf("retirement criterion %d is not measurable: %s", [i + 1, why]), "evidence": [ret.id]} if {
	ret
	some [i, why] in unmeasurable
}

unmeasurable contains [i, "no metric"] if {
	some i, c in criteria
	not lib.filled(lib.get(c, "metric"))
}

unmeasurable contains [i, "operator is not one of < <= > >="] if {
	some i, c in criteria
	not lib.get(c, "operator") in {"<", "<=", ">", ">="}
}

unmeasurable contains [i, "threshold is not a number"] if {
	some i, c in criteria
	not is_number(lib.get(c, "threshold"))
}

unmeasurable contains [i, "windows is not a positive number"] if {
	some i, c in criteria
	not positive(lib.get(c, "windows"))
}

positive(x) if {
	is_number(x)
	x > 0
}
