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

datasets := object.get(input.evidence, "ds", [])

deny contains {"msg": "the training run records no dataset inputs", "evidence": lib.id_of("run")} if count(datasets) == 0

deny contains {"msg": sprintf("dataset %s has no declared facts", [ds.data.name]), "evidence": [ds.id]} if {
	some ds in datasets
	not lib.dataset_facts[ds.data.name]
}

deny contains {"msg": sprintf("dataset %s declares no retention_until", [ds.data.name]), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[ds.data.name]
	not lib.filled(object.get(f.data, "retention_until", null))
}

deny contains {"msg": sprintf("dataset %s was to be kept until %s and has no deletion record", [ds.data.name, f.data.retention_until]), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[ds.data.name]
	lib.days_since(f.data.retention_until) > 0
	some field in lib.unfilled(f, ["deleted_at", "deletion_record"])
}
