package ailm.controls.data.data_001_test

import data.ailm.controls.data.data_001
import rego.v1

ds := {"id": "ds1", "data": {"name": "train", "digest": "abc", "source": {"uri": "file:///t.csv"}}}

fact(extra) := {"id": "f1", "data": object.union({"name": "train", "collection_method": "census survey", "personal_data": true, "purpose": "research", "derived_from": "raw"}, extra)}

inp(f) := {"evidence": {"run": {"id": "run1"}, "ds": [ds], "ds_facts": f}, "expired": []}

test_pass_documented_dataset if {
	count(data_001.deny) == 0 with input as inp([fact({})])
}

test_fail_undeclared_dataset if {
	data_001.deny == {{"msg": "dataset train has no declared facts (collection method, lineage)", "evidence": ["ds1"]}} with input as inp([])
}

test_fail_personal_without_purpose if {
	data_001.deny == {{"msg": "dataset train holds personal data but states no purpose", "evidence": ["ds1", "f1"]}} with input as inp([fact({"purpose": ""})])
}

test_fail_no_datasets if {
	data_001.deny == {{"msg": "the training run records no dataset inputs", "evidence": ["run1"]}} with input as {"evidence": {"run": {"id": "run1"}}, "expired": []}
}
