# METADATA
# title: AI Act risk class stated with a rationale; prohibited practices denied
# description: >-
#   The inventory must classify the system under the EU AI Act (prohibited, high, limited or minimal risk) and
#   give the rationale. A prohibited practice may not be built or deployed. A high-risk system must name its
#   Annex III category (or the Annex I product legislation it falls under).
# custom:
#   id: GOV-002
#   severity: critical
#   stage: governance
#   evidence: [inventory]
#   remediation: >-
#     Declare inventory.ai_act_class (prohibited, high, limited or minimal) and inventory.ai_act_rationale; for
#     a high-risk system also inventory.annex_iii_category (or annex_i_legislation). Stop any prohibited practice.
#   frameworks:
#     eu_ai_act: ["Art. 5", "Art. 6", "Annex III"]
#     nist_ai_rmf: ["GOVERN 1.1", "MAP 1.1"]
#     iso_42001: ["A.5.2"]
package ailm.controls.governance.gov_002

import data.ailm.lib
import rego.v1

classes := {"prohibited", "high", "limited", "minimal"}

deny contains {"msg": lib.absent("inventory"), "evidence": lib.absent_ids("inventory")} if not lib.has("inventory")

deny contains {"msg": msg, "evidence": [inv.id]} if {
	inv := input.evidence.inventory
	class := lib.get(inv.data, "ai_act_class")
	not class in classes
	msg := sprintf("inventory ai_act_class is %s, not one of prohibited, high, limited, minimal", [lib.show(class)])
}

deny contains {"msg": "inventory gives no ai_act_rationale for its AI Act class", "evidence": [inv.id]} if {
	inv := input.evidence.inventory
	not lib.filled(lib.get(inv.data, "ai_act_rationale"))
}

deny contains {"msg": "the system is classed as a prohibited AI practice (Art. 5) and may not be placed on the market or used", "evidence": [inv.id]} if {
	inv := input.evidence.inventory
	lib.get(inv.data, "ai_act_class") == "prohibited"
}

deny contains {"msg": "a high-risk system names no annex_iii_category (or annex_i_legislation)", "evidence": [inv.id]} if {
	inv := input.evidence.inventory
	lib.get(inv.data, "ai_act_class") == "high"
	not lib.filled(lib.get(inv.data, "annex_iii_category"))
	not lib.filled(lib.get(inv.data, "annex_i_legislation"))
}
