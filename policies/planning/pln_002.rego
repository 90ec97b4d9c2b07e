# METADATA
# title: Intended purpose, foreseeable misuse and out-of-scope uses are stated
# description: >-
#   The plan must state what the system is for, how it could foreseeably be misused and which uses are
#   out of scope, so that risks can be assessed against a purpose and users can be told its limits.
# custom:
#   id: PLN-002
#   severity: high
#   stage: planning
#   evidence: [plan]
#   remediation: >-
#     Declare `plan` in the manifest with intended_purpose (text), foreseeable_misuse (a non-empty list)
#     and out_of_scope (a non-empty list).
#   frameworks:
#     eu_ai_act: ["Art. 9(2)(a)", "Art. 9(2)(b)", "Art. 13(3)(b)(i)"]
#     nist_ai_rmf: ["MAP 1.1", "MAP 3.3"]
#     iso_42001: ["A.9.4"]
package ailm.controls.planning.pln_002

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent("plan"), "evidence": lib.absent_ids("plan")} if not lib.has("plan")

deny contains {"msg": sprintf("plan states no %s", [field]), "evidence": [plan.id]} if {
	plan := input.evidence.plan
	some field in lib.unfilled(plan, ["intended_purpose", "foreseeable_misuse", "out_of_scope"])
}

deny contains {"msg": sprintf("plan %s must be a list of uses", [field]), "evidence": [plan.id]} if {
	plan := input.evidence.plan
	some field in ["foreseeable_misuse", "out_of_scope"]
	value := lib.get(plan.data, field)
	lib.filled(value)
	not is_array(value)
}

deny contains {"msg": "plan intended_purpose must be text", "evidence": [plan.id]} if {
	plan := input.evidence.plan
	value := lib.get(plan.data, "intended_purpose")
	lib.filled(value)
	not is_string(value)
}
