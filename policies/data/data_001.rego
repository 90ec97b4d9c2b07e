# METADATA
# title: Every dataset has a known origin, collection method, digest and lineage to raw data
# description: >-
#   Each dataset the training run consumed must have a recorded source and content digest (from the
#   registry) and declared facts: how it was collected and what raw data it derives from. A dataset with
#   personal data must state the purpose the data was collected for.
# custom:
#   id: DATA-001
#   severity: high
#   stage: data
#   evidence: [ds, ds_facts]
#   remediation: >-
#     Log every dataset as a run input (mlflow.log_input) and declare it under `datasets` in the manifest
#     with collection_method, derived_from (or raw: true), personal_data and, if personal, purpose.
#   frameworks:
#     eu_ai_act: ["Art. 10(2)(a)", "Art. 10(2)(b)", "Annex IV 2(d)"]
#     nist_ai_rmf: ["MAP 2.3", "MAP 4.1"]
#     iso_42001: ["A.7.3", "A.7.5"]
package ailm.controls.data.data_001

import data.ailm.lib
import rego.v1

datasets := object.get(input.evidence, "ds", [])

facts := {f.data.name: f | some f in object.get(input.evidence, "ds_facts", [])}

deny contains {"msg": "the training run records no dataset inputs", "evidence": ids} if {
	count(datasets) == 0
	ids := [input.evidence.run.id | input.evidence.run]
}

deny contains {"msg": sprintf("dataset %s has no recorded %s", [ds.data.name, field]), "evidence": [ds.id]} if {
	some ds in datasets
	some field in ["digest", "source"]
	not lib.filled(object.get(ds.data, field, null))
}

deny contains {"msg": sprintf("dataset %s has no declared facts (collection method, lineage)", [ds.data.name]), "evidence": [ds.id]} if {
	some ds in datasets
	not facts[ds.data.name]
}

deny contains {"msg": sprintf("dataset %s declares no %s", [ds.data.name, field]), "evidence": [ds.id, f.id]} if {
	some ds in datasets
	f := facts[ds.data.name]
	some field in ["collection_method", "personal_data"]
	not lib.filled(object.get(f.data, field, null))
}

deny contains {"msg": sprintf("dataset %s declares no lineage to raw data (derived_from, or raw: true)", [ds.data.name]), "evidence": [ds.id, f.id]} if {
	some ds in datasets
	f := facts[ds.data.name]
	not lib.filled(object.get(f.data, "derived_from", null))
	object.get(f.data, "raw", false) != true
}

deny contains {"msg": sprintf("dataset %s holds personal data but states no purpose", [ds.data.name]), "evidence": [ds.id, f.id]} if {
	some ds in datasets
	f := facts[ds.data.name]
	f.data.personal_data == true
	not lib.filled(object.get(f.data, "purpose", null))
}
