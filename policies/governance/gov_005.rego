# METADATA
# title: Third-party models and datasets are licensed and their suppliers reviewed
# description: >-
#   Every third-party component (a pre-trained model, a bought or public dataset) must carry a licence and a
#   supplier review no older than the review period. Applies only where third-party components are used.
# custom:
#   id: GOV-005
#   severity: medium
#   stage: governance
#   evidence: [third_party, ds_facts, base_model]
#   remediation: >-
#     For each component in third_party.components (and each dataset declared third_party: true, and the
#     base_model) record licence, supplier and supplier_review_at within supplier_review_days_max.
#   frameworks:
#     eu_ai_act: ["Annex IV 2(a)"]
#     nist_ai_rmf: ["GOVERN 6.1", "MAP 4.1", "MANAGE 3.1", "MANAGE 3.2"]
#     iso_42001: ["A.10.3"]
package ailm.controls.governance.gov_005

import data.ailm.lib
import rego.v1

# [name, the component's facts, the evidence id]
components contains [lib.label(lib.get(c, "name")), lib.obj(c), tp.id] if {
	tp := input.evidence.third_party
	some c in lib.list(lib.get(tp.data, "components"))
}

components contains [lib.label(lib.get(f.data, "name")), f.data, f.id] if {
	some f in lib.records("ds_facts")
	lib.get(f.data, "third_party") == true
}

components contains [lib.label(object.get(bm.data, "name", "base model")), bm.data, bm.id] if {
	bm := input.evidence.base_model
}

not_applicable contains "no third-party model or dataset is declared" if count(components) == 0

deny contains {"msg": lib.not_a_list("third_party.components", v), "evidence": [tp.id]} if {
	tp := input.evidence.third_party
	v := lib.get(tp.data, "components")
	not is_array(v)
}

deny contains {"msg": sprintf("third-party component %s has no %s", [name, f]), "evidence": [id]} if {
	some [name, c, id] in components
	some f in ["licence", "supplier", "supplier_review_at"]
	not lib.filled(lib.get(c, f))
}

deny contains {"msg": lib.not_a_date(sprintf("third-party component %s supplier_review_at", [name]), v), "evidence": [id]} if {
	some [name, c, id] in components
	v := lib.get(c, "supplier_review_at")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [id]} if {
	some [_, _, id] in components
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [id]} if {
	some [name, c, id] in components
	age := lib.days_since(c.supplier_review_at)
	age > lib.thresholds.supplier_review_days_max
	msg := sprintf("supplier review of %s is %s days old (more than %s)", [name, lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.supplier_review_days_max)])
}
