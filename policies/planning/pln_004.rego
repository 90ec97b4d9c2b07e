# METADATA
# title: Impact assessment names the affected groups; FRIA where Article 27 applies
# description: >-
#   An impact assessment must name the groups of people affected and the impacts on them. A
#   fundamental-rights impact assessment (FRIA) is also required for a high-risk system deployed by a public
#   body or for a public service, or used for credit scoring or life and health insurance pricing
#   (Annex III 5(b) and 5(c)).
# custom:
#   id: PLN-004
#   severity: high
#   stage: planning
#   evidence: [impact_assessment, inventory, deployment]
#   remediation: >-
#     Declare impact_assessment with affected_groups and impacts; where Art. 27 applies add fria with
#     completed_at and uri.
#   frameworks:
#     eu_ai_act: ["Art. 27", "Art. 9(9)"]
#     nist_ai_rmf: ["MAP 5.1"]
#     iso_42001: ["A.5.2", "A.5.3", "A.5.4", "A.5.5"]
package ailm.controls.planning.pln_004

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent("impact_assessment"), "evidence": lib.absent_ids("impact_assessment")} if not lib.has("impact_assessment")

deny contains {"msg": sprintf("impact assessment declares no %s", [f]), "evidence": [ia.id]} if {
	ia := input.evidence.impact_assessment
	some f in lib.unfilled(ia, ["affected_groups", "impacts"])
}

deny contains {"msg": lib.not_a_list("impact_assessment.affected_groups", v), "evidence": [ia.id]} if {
	ia := input.evidence.impact_assessment
	v := lib.get(ia.data, "affected_groups")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": sprintf("Art. 27 applies (%s) but no fundamental-rights impact assessment is recorded", [why]), "evidence": array.concat([ia.id], lib.id_of("inventory"))} if {
	ia := input.evidence.impact_assessment
	some why in fria_required
	not complete(lib.obj(lib.get(ia.data, "fria")))
}

inventory := lib.data_of("inventory")

fria_required contains "a high-risk system for credit scoring or insurance pricing (Annex III 5(b)/(c))" if {
	lib.get(inventory, "ai_act_class") == "high"
	category := lib.get(inventory, "annex_iii_category")
	is_string(category)
	regex.match(`^\s*5\s*\(\s*[bc]\s*\)`, category)
}

fria_required contains "a high-risk system deployed by a public body or for a public service" if {
	lib.get(inventory, "ai_act_class") == "high"
	lib.get(lib.data_of("deployment"), "public_service") == true
}

complete(fria) if {
	lib.is_date(lib.get(fria, "completed_at"))
	lib.filled(lib.get(fria, "uri"))
}
