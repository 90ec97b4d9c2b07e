# METADATA
# title: Model is in the AI inventory with an owner and a risk tier
# description: >-
#   The registered model version must belong to a system recorded in the organisation's AI inventory,
#   with an accountable owner and a risk tier, so that someone answers for it and its risk is known.
# custom:
#   id: GOV-001
#   severity: high
#   stage: governance
#   evidence: [reg, inventory]
#   remediation: >-
#     Record the model in the AI inventory and declare `inventory` in the manifest with inventory_id,
#     owner and risk_tier (one of the tiers in data.ailm.thresholds.risk_tiers).
#   frameworks:
#     eu_ai_act: ["Art. 9(1)", "Art. 17(1)"]
#     nist_ai_rmf: ["GOVERN 1.6", "GOVERN 2.1"]
#     iso_42001: ["A.3.2", "A.4.2"]
package ailm.controls.governance.gov_001

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent("reg"), "evidence": lib.id_of("reg")} if not lib.has("reg")

deny contains {"msg": lib.absent("inventory"), "evidence": lib.absent_ids("inventory")} if not lib.has("inventory")

deny contains {"msg": sprintf("inventory has no %s", [field]), "evidence": [inv.id]} if {
	inv := input.evidence.inventory
	some field in lib.unfilled(inv, ["inventory_id", "owner"])
}

deny contains {"msg": msg, "evidence": [inv.id]} if {
	inv := input.evidence.inventory
	tier := lib.get(inv.data, "risk_tier")
	not tier in lib.thresholds.risk_tiers
	msg := sprintf("inventory risk_tier is %s, not one of %s", [lib.show(tier), concat(", ", lib.thresholds.risk_tiers)])
}
