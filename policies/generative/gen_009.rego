# METADATA
# title: Users told they interact with an AI system, and generated content marked as such
# description: >-
#   EU AI Act Art. 50: a system that interacts with natural persons must tell them they are interacting with
#   an AI system (unless obvious), and a system that generates synthetic audio, image, video or text content
#   must mark its outputs in a machine-readable format as artificially generated (for example C2PA content
#   credentials, a watermark or metadata). The disclosure must be declared with where users see it, and the
#   marking with its method and when it was last checked to survive the delivery path.
# custom:
#   id: GEN-009
#   severity: high
#   stage: generative
#   evidence: [transparency, inventory, base_model]
#   remediation: >-
#     Declare transparency with ai_disclosure: true, disclosure_text (what users are shown) and where it is
#     shown; for generated content declare content_marking with method (c2pa, watermark, metadata) and
#     checked_at; declare transparency.generates_content: false if the system only answers in a conversation
#     where the disclosure covers it.
#   frameworks:
#     eu_ai_act: ["Art. 50(1)", "Art. 50(2)", "Art. 13(1)"]
#     nist_ai_rmf: ["MEASURE 2.8", "GOVERN 4.2", "MEASURE 2.9"]
#     iso_42001: ["A.8.2", "A.8.5"]
package ailm.controls.generative.gen_009

import data.ailm.lib
import rego.v1

t := input.evidence.transparency

td := lib.data_of("transparency")

marking := lib.get(td, "content_marking")

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

deny contains {"msg": lib.absent("transparency"), "evidence": lib.absent_ids("transparency")} if {
	lib.generative
	not lib.has("transparency")
}

deny contains {"msg": "transparency does not state that users are told they interact with an AI system (ai_disclosure)", "evidence": [t.id]} if {
	lib.generative
	lib.has("transparency")
	lib.get(td, "ai_disclosure") != true
}

deny contains {"msg": sprintf("transparency declares no %s", [f]), "evidence": [t.id]} if {
	lib.generative
	lib.get(td, "ai_disclosure") == true
	some f in ["disclosure_text", "shown_at"]
	not lib.filled(lib.get(td, f))
}

# Generated content must be marked unless the system declares it generates none beyond the conversation.
marks_required if {
	lib.has("transparency")
	lib.get(td, "generates_content") != false
}

deny contains {"msg": "generated content is not marked as AI-generated in a machine-readable way (transparency.content_marking)", "evidence": [t.id]} if {
	lib.generative
	marks_required
	not lib.filled(marking)
}

deny contains {"msg": sprintf("content_marking.method is %s, not one of c2pa, watermark, metadata", [lib.show(m)]), "evidence": [t.id]} if {
	lib.generative
	marks_required
	lib.filled(marking)
	m := lib.get(marking, "method")
	not m in {"c2pa", "watermark", "metadata"}
}

deny contains {"msg": lib.not_a_date("content_marking.checked_at", v), "evidence": [t.id]} if {
	lib.generative
	marks_required
	lib.filled(marking)
	v := lib.get(marking, "checked_at")
	not lib.is_date(v)
}
