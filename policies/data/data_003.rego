# METADATA
# title: Measured data quality within limits on every split
# description: >-
#   Data quality is measured, not declared: the share of missing cells and of duplicate rows in each split
#   (train, validation, test) of the exact files the model was trained and tested on must stay within the
#   limits. The measurement is computed from the files' sha256, so it is never older than the data.
# custom:
#   id: DATA-003
#   severity: medium
#   stage: data
#   evidence: [data_scan]
#   remediation: >-
#     Enable `analysis` in the audit config so the splits are measured; clean missing values and duplicates
#     until they are within missing_rate_max and duplicate_rate_max, or override the limits with a reason.
#   frameworks:
#     eu_ai_act: ["Art. 10(3)"]
#     nist_ai_rmf: ["MAP 2.3", "MEASURE 2.1"]
#     iso_42001: ["A.7.4"]
package ailm.controls.data.data_003

import data.ailm.lib
import rego.v1

splits := {"train", "validation", "test"}

scanned := [d | some d in input.evidence.data_scan.data.result.datasets; d.role in splits]

deny contains {"msg": sprintf("%s (no measured data quality; enable analysis)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if not input.evidence.data_scan

deny contains {"msg": "the data scan measured no train, validation or test split", "evidence": [input.evidence.data_scan.id]} if {
	input.evidence.data_scan
	count(scanned) == 0
}

deny contains {"msg": msg, "evidence": [input.evidence.data_scan.id]} if {
	some d in scanned
	d.quality.missing_cell_rate > lib.thresholds.missing_rate_max
	msg := sprintf("%s split: %v of cells are missing (%v cells), more than %v", [d.role, d.quality.missing_cell_rate, d.quality.missing_cells, lib.thresholds.missing_rate_max])
}

deny contains {"msg": msg, "evidence": [input.evidence.data_scan.id]} if {
	some d in scanned
	d.quality.duplicate_row_rate > lib.thresholds.duplicate_rate_max
	msg := sprintf("%s split: %v of rows are duplicates (%v of %v), more than %v", [d.role, d.quality.duplicate_row_rate, d.quality.duplicate_rows, d.rows, lib.thresholds.duplicate_rate_max])
}

deny contains {"msg": sprintf("%s split: the data scan holds no quality measurement", [d.role]), "evidence": [input.evidence.data_scan.id]} if {
	some d in scanned
	not d.quality
}
