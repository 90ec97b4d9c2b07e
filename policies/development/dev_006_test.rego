package ailm.controls.development.dev_006_test

import data.ailm.controls.development.dev_006
import rego.v1

rb(v) := {"evidence": {"robustness": {"id": "rb", "data": {"suite": "noise+missing", "ran_at": "2026-02-01", "metric": "accuracy", "clean": 0.86, "results": [{"perturbation": "gaussian noise 0.1", "value": v}]}}}}

test_pass_small_drop if {
	count(dev_006.deny) == 0 with input as rb(0.83)
}

test_fail_large_drop if {
	dev_006.deny == {{"msg": "accuracy falls from 0.86 to 0.7 under gaussian noise 0.1 (drop 0.16, more than 0.05)", "evidence": ["rb"]}} with input as rb(0.7)
}

test_fail_other_version if {
	bad := json.patch(rb(0.85), [{"op": "add", "path": "/evidence/robustness/data/model_version", "value": "2"}, {"op": "add", "path": "/evidence/reg", "value": {"id": "reg", "data": {"version": "3"}}}])
	some f in dev_006.deny with input as bad
	f.msg == "the robustness suite ran on version 2, not on version 3"
}

test_fail_missing if {
	dev_006.deny == {{"msg": "evidence 'robustness' is missing", "evidence": []}} with input as {"evidence": {}, "expired": []}
}
