package ailm.controls.data.data_002_test

import data.ailm.controls.data.data_002
import rego.v1

inp(facts) := {"evidence": {"ds": [{"id": "d", "data": {"name": "train"}}], "ds_facts": [{"id": "f", "data": object.union({"name": "train"}, facts)}]}}

steps := [{"step": "impute", "tool": "pandas", "version": "2.2.3"}]

test_pass_steps_and_labels if {
	count(data_002.deny) == 0 with input as inp({"prep_steps": steps, "labels": {"guidelines_uri": "https://x/g", "kappa": 0.72}})
}

test_pass_raw_dataset if {
	count(data_002.deny) == 0 with input as inp({"raw": true})
}

test_fail_low_kappa if {
	data_002.deny == {{"msg": "dataset train label agreement kappa 0.4 is below 0.6", "evidence": ["f"]}} with input as inp({"prep_steps": steps, "labels": {"guidelines_uri": "g", "kappa": 0.4}})
}

test_fail_step_without_version if {
	data_002.deny == {{"msg": "dataset train prep step 1 has no version", "evidence": ["f"]}} with input as inp({"prep_steps": [{"step": "x", "tool": "sql"}]})
}

test_fail_no_prep_steps if {
	some f in data_002.deny with input as inp({})
	contains(f.msg, "declares no prep_steps")
}
