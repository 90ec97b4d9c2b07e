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

consent_based := [f | some f in object.get(input.evidence, "ds_facts", []); f.data.lawful_basis == "consent"]

measured := [c | some c in input.evidence.data_scan.data.result.consent_retention; c.consent]

not_applicable contains "no dataset declares consent as its lawful basis" if count(consent_based) == 0

deny contains {"msg": sprintf("dataset %s is consent-based but declares no consent.column to measure", [f.data.name]), "evidence": [f.id]} if {
	some f in consent_based
	not lib.filled(object.get(object.get(f.data, "consent", {}), "column", null))
}

deny contains {"msg": sprintf("%s (consent is counted by the data scan)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if {
	count(consent_based) > 0
	not input.evidence.data_scan
}

deny contains {"msg": sprintf("%s split: consent column %s is absent from the file", [c.dataset, c.consent.column]), "evidence": [input.evidence.data_scan.id]} if {
	some c in measured
	c.consent.status == "column_absent"
}

deny contains {"msg": msg, "evidence": [input.evidence.data_scan.id]} if {
	some c in measured
	c.consent.rows_without_valid_consent > 0
	msg := sprintf("%s split: %v of %v rows have no valid consent in column %s", [c.dataset, c.consent.rows_without_valid_consent, c.consent.rows, c.consent.column])
}
