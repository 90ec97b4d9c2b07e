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

datasets := lib.records("ds")

name(ds) := lib.label(lib.get(ds.data, "name"))

deny contains {"msg": "the training run records no dataset inputs", "evidence": lib.id_of("run")} if count(datasets) == 0

deny contains {"msg": sprintf("dataset %s has no declared facts", [name(ds)]), "evidence": [ds.id]} if {
	some ds in datasets
	not lib.dataset_facts[lib.get(ds.data, "name")]
}

deny contains {"msg": sprintf("dataset %s declares no prep_steps (or raw: true)", [name(ds)]), "evidence": [ds.id, f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	not lib.filled(lib.get(f.data, "prep_steps"))
	lib.get(f.data, "raw") != true
}

deny contains {"msg": lib.not_a_list(sprintf("dataset %s prep_steps", [name(ds)]), steps), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	steps := lib.get(f.data, "prep_steps")
	lib.filled(steps)
	not is_array(steps)
}

deny contains {"msg": sprintf("dataset %s prep step %d has no %s", [name(ds), i + 1, field]), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	some i, step in lib.list(lib.get(f.data, "prep_steps"))
	some field in ["tool", "version"]
	not lib.filled(lib.get(step, field))
}

deny contains {"msg": sprintf("dataset %s labels declare no guidelines_uri", [name(ds)]), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	labels := lib.get(f.data, "labels")
	labels != null
	not lib.filled(lib.get(labels, "guidelines_uri"))
}

deny contains {"msg": lib.not_a_number(sprintf("dataset %s labels.kappa", [name(ds)]), kappa), "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	labels := lib.get(f.data, "labels")
	labels != null
	kappa := lib.get(labels, "kappa")
	not is_number(kappa)
}

deny contains {"msg": msg, "evidence": [f.id]} if {
	some ds in datasets
	f := lib.dataset_facts[lib.get(ds.data, "name")]
	kappa := lib.at(f.data, ["labels", "kappa"])
	is_number(kappa)
	kappa < lib.thresholds.label_kappa_min
	msg := sprintf("dataset %s label agreement kappa %s is below %s", [name(ds), lib.fmt(kappa), lib.fmt(lib.thresholds.label_kappa_min)])
}
