# METADATA
# title: Data preparation steps and labelling are documented
# description: >-
#   Each training dataset must list its preparation steps with the tool and version used (or say it is raw).
#   Where a dataset was labelled, the labelling guidelines must be referenced and inter-annotator agreement
#   (Cohen's or Fleiss' kappa) must reach the minimum.
# custom:
#   id: DATA-002
#   severity: medium
#   stage: data
#   evidence: [ds, ds_facts]
#   remediation: >-
#     In each dataset's facts declare prep_steps (step, tool, version) or raw: true; if labelled, declare
#     labels.guidelines_uri and labels.kappa (at least label_kappa_min).
#   frameworks:
#     eu_ai_act: ["Art. 10(2)(c)"]
#     nist_ai_rmf: ["MAP 2.3"]
#     iso_42001: ["A.7.6"]
package ailm.controls.data.data_002

import data.ailm.lib
import rego.v1

datasets := object.get(input.evidence, "ds", [])

deny contains {"msg": "the training run records no dataset inputs", "evidence": lib.id_of("run")} if count(datasets) == 0

deny contains {"msg": sprintf("dataset %s has no declared facts", [ds.data.name]), "evidence": [ds.id]} if {
	some ds in datasets
	not lib.dataset_facts[ds.data.name]
}

deny contains {"msg": sprintf("dataset %s declares no prep_steps (or raw: true)", [ds.data.name]), "evidence": [ds.id, f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[ds.data.name]
	not lib.filled(object.get(f.data, "prep_steps", null))
	object.get(f.data, "raw", false) != true
}

deny contains {"msg": sprintf("dataset %s prep step %d has no %s", [ds.data.name, i + 1, field]), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[ds.data.name]
	some i, step in object.get(f.data, "prep_steps", [])
	some field in ["tool", "version"]
	not lib.filled(object.get(step, field, null))
}

deny contains {"msg": sprintf("dataset %s labels declare no guidelines_uri", [ds.data.name]), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[ds.data.name]
	labels := f.data.labels
	not lib.filled(object.get(labels, "guidelines_uri", null))
}

deny contains {"msg": msg, "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[ds.data.name]
	kappa := object.get(f.data.labels, "kappa", null)
	not kappa >= lib.thresholds.label_kappa_min
	msg := sprintf("dataset %s label agreement kappa %v is below %v", [ds.data.name, kappa, lib.thresholds.label_kappa_min])
}
