# METADATA
# title: Training data of the generative model documented, with a public summary and copyright policy
# description: >-
#   A generative model must document its training and fine-tuning data: a summary of the content used
#   (published for general-purpose models), a copyright policy, and whether text-and-data-mining opt-outs
#   were honoured.
# custom:
#   id: GEN-004
#   severity: high
#   stage: generative
#   evidence: [gen_data, inventory, base_model]
#   remediation: >-
#     Declare gen_data with summary_uri, copyright_policy_uri, opt_outs_honoured: true and sources (name,
#     licence); for a general-purpose model also summary_published_at.
#   frameworks:
#     eu_ai_act: ["Art. 53(1)(c)", "Art. 53(1)(d)", "Annex XI"]
#     nist_ai_rmf: ["MAP 4.1", "GOVERN 6.1", "MEASURE 2.10"]
#     iso_42001: ["A.7.5", "A.7.3"]
package ailm.controls.generative.gen_004

import data.ailm.lib
import rego.v1

g := input.evidence.gen_data

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

deny contains {"msg": lib.absent("gen_data"), "evidence": lib.absent_ids("gen_data")} if {
	lib.generative
	not lib.has("gen_data")
}

deny contains {"msg": sprintf("gen_data declares no %s", [f]), "evidence": [g.id]} if {
	lib.generative
	some f in lib.unfilled(g, ["summary_uri", "copyright_policy_uri", "sources"])
}

deny contains {"msg": "gen_data does not state that text-and-data-mining opt-outs were honoured", "evidence": [g.id]} if {
	lib.generative
	lib.get(g.data, "opt_outs_honoured") != true
}

deny contains {"msg": lib.not_a_list("gen_data.sources", v), "evidence": [g.id]} if {
	lib.generative
	v := lib.get(g.data, "sources")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": sprintf("training source %s has no licence", [lib.label(object.get(lib.obj(s), "name", i + 1))]), "evidence": [g.id]} if {
	lib.generative
	some i, s in lib.list(lib.get(g.data, "sources"))
	not lib.filled(lib.get(s, "licence"))
}

deny contains {"msg": "a general-purpose model's training-content summary is not published (summary_published_at)", "evidence": [g.id]} if {
	lib.generative
	lib.get(lib.data_of("inventory"), "general_purpose") == true
	not lib.is_date(lib.get(g.data, "summary_published_at"))
}
