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

scan := input.evidence.data_scan

scanned := [d | some d in lib.list(lib.at(lib.data_of("data_scan"), ["result", "datasets"])); lib.get(d, "role") in splits]

limits := {"missing_cell_rate": lib.thresholds.missing_rate_max, "duplicate_row_rate": lib.thresholds.duplicate_rate_max}

deny contains {"msg": sprintf("%s (no measured data quality; enable analysis)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if not lib.has("data_scan")

deny contains {"msg": "the data scan measured no train, validation or test split", "evidence": [scan.id]} if count(scanned) == 0

deny contains {"msg": sprintf("%s split: the data scan holds no quality measurement", [d.role]), "evidence": [scan.id]} if {
	some d in scanned
	not is_object(lib.get(d, "quality"))
}

deny contains {"msg": lib.not_a_number(sprintf("%s split quality.%s", [d.role, name]), v), "evidence": [scan.id]} if {
	some d in scanned
	q := lib.get(d, "quality")
	is_object(q)
	some name, _ in limits
	v := lib.get(q, name)
	not is_number(v)
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some d in scanned
	rate := d.quality.missing_cell_rate
	is_number(rate)
	rate > lib.thresholds.missing_rate_max
	msg := sprintf("%s split: %s of cells are missing (%s cells), more than %s", [d.role, lib.fmt(rate), lib.label(lib.get(d.quality, "missing_cells")), lib.fmt(lib.thresholds.missing_rate_max)])
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some d in scanned
	rate := d.quality.duplicate_row_rate
	is_number(rate)
	rate > lib.thresholds.duplicate_rate_max
	msg := sprintf("%s split: %s of rows are duplicates (%s of %s), more than %s", [d.role, lib.fmt(rate), lib.label(lib.get(d.quality, "duplicate_rows")), lib.label(lib.get(d, "rows")), lib.fmt(lib.thresholds.duplicate_rate_max)])
}
