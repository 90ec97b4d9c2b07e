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

datasets := lib.records("ds")

name(ds) := lib.label(lib.get(ds.data, "name"))

deny contains {"msg": "the training run records no dataset inputs", "evidence": ids} if {
	count(datasets) == 0
	ids := array.concat(lib.id_of("run"), [id | some id in lib.id_of("reg"); not lib.has("run")])
}

deny contains {"msg": sprintf("dataset %s has no recorded %s", [name(ds), field]), "evidence": [ds.id]} if {
	some ds in datasets
	some field in lib.unfilled(ds, ["name", "digest", "source"])
}

deny contains {"msg": sprintf("dataset %s has no declared facts (collection method, lineage)", [name(ds)]), "evidence": [ds.id]} if {
	some ds in datasets
	not lib.dataset_facts[lib.get(ds.data, "name")]
}

deny contains {"msg": sprintf("dataset %s declares no %s", [name(ds), field]), "evidence": [ds.id, f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	some field in lib.unfilled(f, ["collection_method", "personal_data"])
}

deny contains {"msg": sprintf("dataset %s personal_data is %s, not true or false", [name(ds), lib.show(v)]), "evidence": [ds.id, f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	v := lib.get(f.data, "personal_data")
	lib.filled(v)
	not is_boolean(v)
}

deny contains {"msg": sprintf("dataset %s declares no lineage to raw data (derived_from, or raw: true)", [name(ds)]), "evidence": [ds.id, f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	not lib.filled(lib.get(f.data, "derived_from"))
	lib.get(f.data, "raw") != true
}

deny contains {"msg": sprintf("dataset %s holds personal data but states no purpose", [name(ds)]), "evidence": [ds.id, f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	lib.get(f.data, "personal_data") == true
	not lib.filled(lib.get(f.data, "purpose"))
}
