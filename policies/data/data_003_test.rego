package ailm.controls.data.data_003_test

import data.ailm.controls.data.data_003
import rego.v1

scan(q) := {"evidence": {"data_scan": {"id": "s", "data": {"result": {"datasets": [
	{"role": "train", "rows": 1000, "quality": q},
	{"role": "current", "rows": 10, "quality": {"missing_cell_rate": 0.9, "missing_cells": 9, "duplicate_row_rate": 0.9, "duplicate_rows": 9}},
]}}}}}

clean := {"missing_cell_rate": 0.01, "missing_cells": 140, "duplicate_row_rate": 0.0, "duplicate_rows": 0}

test_pass_clean_splits_ignoring_current if {
	count(data_003.deny) == 0 with input as scan(clean)
}

test_fail_duplicates if {
	data_003.deny == {{"msg": "train split: 0.05 of rows are duplicates (50 of 1000), more than 0.01", "evidence": ["s"]}} with input as scan(object.union(clean, {"duplicate_row_rate": 0.05, "duplicate_rows": 50}))
}

test_fail_missing_cells if {
	some f in data_003.deny with input as scan(object.union(clean, {"missing_cell_rate": 0.2}))
	startswith(f.msg, "train split: 0.2 of cells are missing")
}

test_fail_not_measured if {
	some f in data_003.deny with input as {"evidence": {}, "expired": []}
	contains(f.msg, "evidence 'data_scan' is missing")
}
