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

scan := input.evidence.data_scan

result := lib.obj(lib.get(lib.data_of("data_scan"), "result"))

roles contains lib.get(d, "role") if some d in lib.list(lib.get(result, "datasets"))

pairs := lib.list(lib.get(result, "split_overlap"))

deny contains {"msg": lib.absent("data_scan"), "evidence": lib.absent_ids("data_scan")} if not lib.has("data_scan")

deny contains {"msg": sprintf("no %s split among the model's datasets", [r]), "evidence": [scan.id]} if {
	scan
	some r in ["train", "test"]
	not r in roles
}

deny contains {"msg": lib.not_a_list("data_scan split_overlap", v), "evidence": [scan.id]} if {
	v := lib.get(result, "split_overlap")
	scan
	not is_array(v)
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some p in pairs
	lib.get(p, "same_file") == true
	msg := sprintf("the %s and %s splits are the same file", [lib.label(lib.get(p, "a")), lib.label(lib.get(p, "b"))])
}

deny contains {"msg": lib.not_a_number(sprintf("split overlap of %s with %s identical_rows_in_b", [lib.label(lib.get(p, "b")), lib.label(lib.get(p, "a"))]), v), "evidence": [scan.id]} if {
	some p in pairs
	v := lib.get(p, "identical_rows_in_b")
	not is_number(v)
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some p in pairs
	lib.get(p, "same_file") != true
	rows := p.identical_rows_in_b
	is_number(rows)
	rows > lib.thresholds.split_overlap_rows_max
	share := lib.get(p, "share_of_b")
	msg := sprintf("%s rows of %s (%s%%) are identical to rows of %s", [lib.fmt(rows), lib.label(lib.get(p, "b")), percent(share), lib.label(lib.get(p, "a"))])
}

deny contains {"msg": lib.not_a_number(sprintf("split overlap of %s with %s shared_ids", [lib.label(lib.get(p, "b")), lib.label(lib.get(p, "a"))]), v), "evidence": [scan.id]} if {
	some p in pairs
	v := lib.get(p, "shared_ids")
	v != null
	not is_number(v)
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some p in pairs
	ids := p.shared_ids
	is_number(ids)
	ids > 0
	msg := sprintf("%s ids of %s also appear in %s", [lib.fmt(ids), lib.label(lib.get(p, "b")), lib.label(lib.get(p, "a"))])
}

percent(share) := lib.fmt(lib.round1(share * 100)) if is_number(share) else := "share unknown"
