# METADATA
# title: Base model licence and provenance are known and pinned
# description: >-
#   A model built on a base (foundation) model must name it, pin the exact revision or weights digest,
#   state its licence and where it came from, and record that the licence permits the intended use.
# custom:
#   id: GEN-003
#   severity: high
#   stage: generative
#   evidence: [base_model, inventory]
#   remediation: >-
#     Declare base_model with name, revision (commit or sha256 of the weights), licence, source (hub URL or
#     supplier) and licence_permits_use: true after legal review.
#   frameworks:
#     eu_ai_act: ["Art. 53(1)(b)", "Art. 25(4)", "Annex IV 2(a)"]
#     nist_ai_rmf: ["GOVERN 6.1", "MAP 4.1"]
#     iso_42001: ["A.10.3", "A.6.2.3"]
package ailm.controls.generative.gen_003

import data.ailm.lib
import rego.v1

bm := input.evidence.base_model

from_scratch if lib.get(lib.data_of("inventory"), "from_scratch") == true

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

not_applicable contains "the generative model is trained from scratch (inventory.from_scratch)" if {
	lib.generative
	not lib.has("base_model")
	from_scratch
}

deny contains {"msg": lib.absent("base_model"), "evidence": lib.absent_ids("base_model")} if {
	lib.generative
	not lib.has("base_model")
	not from_scratch
}

deny contains {"msg": sprintf("base_model declares no %s", [f]), "evidence": [bm.id]} if {
	some f in lib.unfilled(bm, ["name", "revision", "licence", "source"])
}

deny contains {"msg": sprintf("the licence %s of base model %s is not confirmed to permit the intended use", [lib.label(object.get(bm.data, "licence", "(none)")), lib.label(object.get(bm.data, "name", "(unnamed)"))]), "evidence": [bm.id]} if {
	lib.get(bm.data, "licence_permits_use") != true
}
