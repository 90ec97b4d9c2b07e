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

personal_facts := [f | some f in object.get(input.evidence, "ds_facts", []); f.data.personal_data == true]

not_applicable contains "the data scan found no personal data and no dataset declares any" if {
	input.evidence.data_scan
	not lib.personal_data
}

deny contains {"msg": sprintf("%s (the personal-data scan runs with analysis)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if not input.evidence.data_scan

deny contains {"msg": msg, "evidence": [input.evidence.data_scan.id]} if {
	some d in input.evidence.data_scan.data.result.datasets
	count(d.direct_identifiers_as_features) > 0
	msg := sprintf("%s split: direct identifiers are model features: %v", [d.role, concat(", ", d.direct_identifiers_as_features)])
}

deny contains {"msg": msg, "evidence": [input.evidence.data_scan.id]} if {
	some d in input.evidence.data_scan.data.result.datasets
	count(d.personal_data) > 0
	count(personal_facts) == 0
	cols := [p.column | some p in d.personal_data]
	msg := sprintf("%s split holds personal data (%v) but no dataset declares personal_data: true", [d.role, concat(", ", cols)])
}

deny contains {"msg": sprintf("dataset %s holds personal data but declares no %s", [f.data.name, field]), "evidence": [f.id]} if {
	lib.personal_data
	some f in personal_facts
	some field in lib.unfilled(f, ["lawful_basis"])
}

deny contains {"msg": sprintf("dataset %s holds personal data and is not declared pseudonymised", [f.data.name]), "evidence": [f.id]} if {
	lib.personal_data
	some f in personal_facts
	object.get(f.data, "pseudonymised", false) != true
}
