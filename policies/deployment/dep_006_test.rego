package ailm.controls.deployment.dep_006_test

import data.ailm.controls.deployment.dep_006
import rego.v1

inp(c) := {"evidence": {"deployment": {"id": "dep", "data": {}}, "run": {"id": "run", "data": {"metrics": {"test_accuracy": 0.85}}}, "change": {"id": "c", "data": c}}}

good := {"changelog": "retrained on 2026 data", "substantial_modification": false, "rollback_target": "3", "previous_version": "3", "previous_metrics": {"test_accuracy": 0.86}}

test_pass_small_change if {
	count(dep_006.deny) == 0 with input as inp(good)
}

test_fail_regression if {
	dep_006.deny == {{"msg": "test_accuracy regressed from 0.9 (version 3) to 0.85, more than 0.02", "evidence": ["c", "run"]}} with input as inp(object.union(good, {"previous_metrics": {"test_accuracy": 0.9}}))
}

test_fail_substantial_without_assessment if {
	some f in dep_006.deny with input as inp(object.union(good, {"substantial_modification": true}))
	f.msg == "a substantial modification has no conformity_assessment"
}
