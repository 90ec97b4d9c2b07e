# METADATA
# title: Every dataset has a retention date, and data past it is deleted
# description: >-
#   Each dataset used by the training run must declare retention_until. Once that date has passed, a
#   deletion record (deleted_at and deletion_record) must exist.
# custom:
#   id: DATA-009
#   severity: high
#   stage: data
#   evidence: [ds, ds_facts]
#   remediation: >-
#     Declare retention_until in each dataset's facts; when it passes, delete the data and declare deleted_at
#     and deletion_record (a ticket or certificate).
#   frameworks:
#     eu_ai_act: ["Art. 17(1)(f)", "GDPR Art. 5(1)(e)"]
#     nist_ai_rmf: ["GOVERN 1.4"]
#     iso_42001: ["A.7.2"]
package ailm.controls.data.data_009

import data.ailm.lib
import rego.v1

datasets := lib.records("ds")

name(ds) := lib.label(lib.get(ds.data, "name"))

deny contains {"msg": "the training run records no dataset inputs", "evidence": lib.id_of("run")} if count(datasets) == 0

deny contains {"msg": sprintf("dataset %s has no declared facts", [name(ds)]), "evidence": [ds.id]} if {
	some ds in datasets
	not lib.dataset_facts[lib.get(ds.data, "name")]
}

deny contains {"msg": sprintf("dataset %s declares no retention_until", [name(ds)]), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	not lib.filled(lib.get(f.data, "retention_until"))
}

deny contains {"msg": lib.not_a_date(sprintf("dataset %s retention_until", [name(ds)]), v), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	v := lib.get(f.data, "retention_until")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [ds.id]} if {
	some ds in datasets
	lib.no_clock
}

deny contains {"msg": sprintf("dataset %s was to be kept until %s and has no deletion record", [name(ds), f.data.retention_until]), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	lib.days_since(f.data.retention_until) > 0
	count(lib.unfilled(f, ["deleted_at", "deletion_record"])) > 0
}
