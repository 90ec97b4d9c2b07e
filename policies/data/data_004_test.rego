package ailm.controls.data.data_004_test

import data.ailm.controls.data.data_004
import rego.v1

inp(pairs) := {
	"evidence": {"data_scan": {"id": "scan1", "data": {"result": {
		"datasets": [{"role": "train"}, {"role": "test"}],
		"split_overlap": pairs,
	}}}},
	"expired": [],
}

test_pass_disjoint if {
	count(data_004.deny) == 0 with input as inp([{"a": "train", "b": "test", "identical_rows_in_b": 0, "share_of_b": 0, "same_file": false}])
}

test_fail_identical_rows if {
	data_004.deny == {{"msg": "2160 rows of test (14.3%) are identical to rows of train", "evidence": ["scan1"]}} with input as inp([{"a": "train", "b": "test", "identical_rows_in_b": 2160, "share_of_b": 0.143426, "same_file": false}])
}

test_fail_same_file if {
	data_004.deny == {{"msg": "the train and test splits are the same file", "evidence": ["scan1"]}} with input as inp([{"a": "train", "b": "test", "identical_rows_in_b": 100, "share_of_b": 1, "same_file": true}])
}

test_fail_shared_ids if {
	data_004.deny == {{"msg": "3 ids of test also appear in train", "evidence": ["scan1"]}} with input as inp([{"a": "train", "b": "test", "identical_rows_in_b": 0, "share_of_b": 0, "same_file": false, "shared_ids": 3}])
}

test_fail_no_test_split if {
	some f in data_004.deny with input as json.patch(inp([]), [{"op": "replace", "path": "/evidence/data_scan/data/result/datasets", "value": [{"role": "train"}]}])
	f.msg == "no test split among the model's datasets"
}

test_fail_missing if {
	data_004.deny == {{"msg": "evidence 'data_scan' is missing", "evidence": []}} with input as {"evidence": {}, "expired": []}
}
