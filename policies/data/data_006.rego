# METADATA
# title: Personal data scanned; lawful basis, pseudonymisation, no direct identifiers as features
# description: >-
#   The training, validation and test files are scanned for personal data on every audit (column names and
#   value patterns). Where personal data is present, every dataset holding it must state a lawful basis and
#   be pseudonymised, and no direct identifier (name, email, phone, national id...) may be a model feature.
# custom:
#   id: DATA-006
#   severity: critical
#   stage: data
#   evidence: [data_scan, ds_facts]
#   remediation: >-
#     Drop direct identifiers from the features; declare lawful_basis and pseudonymised: true in the facts of
#     each dataset with personal data (after pseudonymising it).
#   frameworks:
#     eu_ai_act: ["Art. 10(2)(b)", "GDPR Art. 5", "GDPR Art. 6"]
#     nist_ai_rmf: ["MEASURE 2.10"]
#     iso_42001: ["A.7.2", "A.7.3"]
package ailm.controls.data.data_006

import data.ailm.lib
import rego.v1

scan := input.evidence.data_scan

scanned := lib.list(lib.at(lib.data_of("data_scan"), ["result", "datasets"]))

personal_facts := [f | some f in lib.records("ds_facts"); lib.get(f.data, "personal_data") == true]

columns(xs) := concat(", ", [lib.label(x) | some x in lib.list(xs)])

not_applicable contains "the data scan found no personal data and no dataset declares any" if {
	lib.has("data_scan")
	not lib.personal_data
	count(problems) == 0
}

deny contains {"msg": sprintf("%s (the personal-data scan runs with analysis)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if not lib.has("data_scan")

deny contains {"msg": msg, "evidence": [scan.id]} if some msg in problems

# What makes the scan unreadable: it then cannot show that no personal data is used.
problems contains lib.not_a_list("data_scan datasets", v) if {
	scan
	v := lib.at(scan.data, ["result", "datasets"])
	not is_array(v)
}

problems contains lib.not_a_list(sprintf("%s split %s", [lib.label(lib.get(d, "role")), field]), v) if {
	some d in scanned
	some field in ["personal_data", "direct_identifiers_as_features"]
	v := lib.get(d, field)
	not is_array(v)
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some d in scanned
	count(lib.list(lib.get(d, "direct_identifiers_as_features"))) > 0
	msg := sprintf("%s split: direct identifiers are model features: %s", [lib.label(lib.get(d, "role")), columns(d.direct_identifiers_as_features)])
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some d in scanned
	found := lib.list(lib.get(d, "personal_data"))
	count(found) > 0
	count(personal_facts) == 0
	msg := sprintf("%s split holds personal data (%s) but no dataset declares personal_data: true", [lib.label(lib.get(d, "role")), columns([lib.get(p, "column") | some p in found])])
}

deny contains {"msg": sprintf("dataset %s holds personal data but declares no %s", [lib.label(lib.get(f.data, "name")), field]), "evidence": [f.id]} if {
	lib.personal_data
	some f in personal_facts
	some field in lib.unfilled(f, ["lawful_basis"])
}

deny contains {"msg": sprintf("dataset %s holds personal data and is not declared pseudonymised", [lib.label(lib.get(f.data, "name"))]), "evidence": [f.id]} if {
	lib.personal_data
	some f in personal_facts
	lib.get(f.data, "pseudonymised") != true
}
