# METADATA
# title: General-purpose model documented for the AI Office and for downstream providers
# description: >-
#   EU AI Act Art. 53(1)(a) and (b): the provider of a general-purpose AI model keeps its technical
#   documentation (Annex XI: training, testing and evaluation process and results) up to date and gives
#   providers who build on it the information of Annex XII (capabilities, limitations, how to integrate it).
#   Each must be declared with where it is and when it was last updated, within gpai_documentation_days_max
#   days. The training-content summary and copyright policy of Art. 53(1)(c) and (d) are GEN-004's.
# custom:
#   id: GEN-010
#   severity: high
#   stage: generative
#   evidence: [gpai, inventory, base_model]
#   remediation: >-
#     Declare gpai with technical_documentation_uri, downstream_information_uri and updated_at (review both
#     documents at least every gpai_documentation_days_max days and whenever the model changes).
#   frameworks:
#     eu_ai_act: ["Art. 53(1)(a)", "Art. 53(1)(b)", "Annex XI", "Annex XII"]
#     nist_ai_rmf: ["GOVERN 4.2", "MAP 4.1", "GOVERN 6.1"]
#     iso_42001: ["A.6.2.7", "A.8.2"]
package ailm.controls.generative.gen_010

import data.ailm.lib
import rego.v1

g := input.evidence.gpai

updated := lib.get(lib.data_of("gpai"), "updated_at")

general_purpose if lib.get(lib.data_of("inventory"), "general_purpose") == true

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

not_applicable contains "not a general-purpose model (inventory.general_purpose is not true)" if {
	lib.generative
	not general_purpose
}

deny contains {"msg": lib.absent("gpai"), "evidence": lib.absent_ids("gpai")} if {
	lib.generative
	general_purpose
	not lib.has("gpai")
}

deny contains {"msg": sprintf("gpai declares no %s", [f]), "evidence": [g.id]} if {
	lib.generative
	general_purpose
	some f in lib.unfilled(g, ["technical_documentation_uri", "downstream_information_uri", "updated_at"])
}

deny contains {"msg": lib.not_a_date("gpai.updated_at", updated), "evidence": [g.id]} if {
	lib.generative
	general_purpose
	lib.filled(updated)
	not lib.is_date(updated)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [g.id]} if {
	lib.generative
	general_purpose
	lib.has("gpai")
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [g.id]} if {
	lib.generative
	general_purpose
	age := lib.days_since(updated)
	age > lib.thresholds.gpai_documentation_days_max
	msg := sprintf("the general-purpose model's documentation was last updated %s, %s days ago (more than %s)", [updated, lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.gpai_documentation_days_max)])
}
