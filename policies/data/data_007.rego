# METADATA
# title: No data used without valid consent where consent is the lawful basis
# description: >-
#   Where a dataset's lawful basis is consent, the rows used must all carry valid consent: the audit counts
#   rows whose consent column is missing or withdrawn in the exact training, validation and test files.
# custom:
#   id: DATA-007
#   severity: critical
#   stage: data
#   evidence: [ds_facts, data_scan]
#   remediation: >-
#     Declare consent.column (and consent.valid_values) in the facts of each consent-based dataset, and
#     remove rows with withdrawn or missing consent before training.
#   frameworks:
#     eu_ai_act: ["Art. 10(2)(b)", "GDPR Art. 6", "GDPR Art. 7"]
#     nist_ai_rmf: ["MEASURE 2.10", "MAP 4.1"]
#     iso_42001: ["A.7.3"]
package ailm.controls.data.data_007

import data.ailm.lib
import rego.v1

consent_based := [f | some f in lib.records("ds_facts"); lib.get(f.data, "lawful_basis") == "consent"]

scan := input.evidence.data_scan

measured := [c | some c in lib.list(lib.at(lib.data_of("data_scan"), ["result", "consent_retention"])); is_object(lib.get(c, "consent"))]

name(f) := lib.label(lib.get(f.data, "name"))

not_applicable contains "no dataset declares consent as its lawful basis" if count(consent_based) == 0

deny contains {"msg": sprintf("dataset %s is consent-based but declares no consent.column to measure", [name(f)]), "evidence": [f.id]} if {
	some f in consent_based
	not lib.filled(lib.at(f.data, ["consent", "column"]))
}

deny contains {"msg": sprintf("%s (consent is counted by the data scan)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if {
	count(consent_based) > 0
	not lib.has("data_scan")
}

deny contains {"msg": sprintf("dataset %s is consent-based but the data scan counted no consent in any split", [name(f)]), "evidence": [f.id, scan.id]} if {
	some f in consent_based
	lib.filled(lib.at(f.data, ["consent", "column"]))
	count(measured) == 0
}

deny contains {"msg": sprintf("%s split: consent column %s is absent from the file", [lib.label(lib.get(c, "dataset")), lib.label(lib.get(c.consent, "column"))]), "evidence": [scan.id]} if {
	count(consent_based) > 0
	some c in measured
	lib.get(c.consent, "status") == "column_absent"
}

deny contains {"msg": lib.not_a_number(sprintf("%s split consent.rows_without_valid_consent", [lib.label(lib.get(c, "dataset"))]), v), "evidence": [scan.id]} if {
	count(consent_based) > 0
	some c in measured
	lib.get(c.consent, "status") == "measured"
	v := lib.get(c.consent, "rows_without_valid_consent")
	not is_number(v)
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	count(consent_based) > 0
	some c in measured
	n := c.consent.rows_without_valid_consent
	is_number(n)
	n > 0
	msg := sprintf("%s split: %s of %s rows have no valid consent in column %s", [lib.label(lib.get(c, "dataset")), lib.fmt(n), lib.label(lib.get(c.consent, "rows")), lib.label(lib.get(c.consent, "column"))])
}
