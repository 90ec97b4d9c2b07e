# METADATA
# title: Train, validation and test splits exist, differ, and share no rows or ids
# description: >-
#   From ailm's data measurement (evidence `data_scan`): the training and test splits exist (validation if
#   there is one), are different files, and no row of a later split is identical (every column) to a row of
#   an earlier one, nor shares its id. Shared rows inflate test metrics (leakage).
# custom:
#   id: DATA-004
#   severity: high
#   stage: data
#   evidence: [data_scan]
#   remediation: >-
#     Deduplicate before splitting (or split by entity id), re-train and re-evaluate; if identical rows are
#     distinct real records, split by a grouping key and document it.
#   frameworks:
#     eu_ai_act: ["Art. 10(1)", "Annex IV 2(g)"]
#     nist_ai_rmf: ["MEASURE 2.1", "MEASURE 2.3"]
#     iso_42001: ["A.6.2.4", "A.7.4"]
package ailm.controls.data.data_004

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent("data_scan"), "evidence": lib.absent_ids("data_scan")} if not input.evidence.data_scan

roles contains d.role if some d in input.evidence.data_scan.data.result.datasets

deny contains {"msg": sprintf("no %s split among the model's datasets", [r]), "evidence": [input.evidence.data_scan.id]} if {
	input.evidence.data_scan
	some r in ["train", "test"]
	not r in roles
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	scan := input.evidence.data_scan
	some p in scan.data.result.split_overlap
	p.same_file
	msg := sprintf("the %s and %s splits are the same file", [p.a, p.b])
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	scan := input.evidence.data_scan
	some p in scan.data.result.split_overlap
	not p.same_file
	p.identical_rows_in_b > lib.thresholds.split_overlap_rows_max
	msg := sprintf("%v rows of %s (%v%%) are identical to rows of %s", [p.identical_rows_in_b, p.b, lib.round1(p.share_of_b * 100), p.a])
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	scan := input.evidence.data_scan
	some p in scan.data.result.split_overlap
	p.shared_ids > 0
	msg := sprintf("%v ids of %s also appear in %s", [p.shared_ids, p.b, p.a])
}
