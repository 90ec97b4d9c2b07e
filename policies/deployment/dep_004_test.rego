package ailm.controls.deployment.dep_004_test

import data.ailm.controls.deployment.dep_004
import rego.v1

inp(o) := {"as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"), "evidence": {"deployment": {"id": "dep", "data": {}}, "oversight": {"id": "o", "data": o}}}

good := {"role": "credit officer", "override_enabled": true, "stop_enabled": true, "last_drill_at": "2026-09-01"}

test_pass_drilled_oversight if {
	count(dep_004.deny) == 0 with input as inp(good)
}

test_fail_old_drill_no_stop if {
	dep_004.deny == {
		{"msg": "oversight: stop_enabled is not enabled", "evidence": ["o"]},
		{"msg": "the last oversight drill (2026-01-01) is 326 days old, more than 180", "evidence": ["o"]},
	} with input as inp(object.union(good, {"stop_enabled": false, "last_drill_at": "2026-01-01"}))
}

test_not_applicable_undeployed if {
	count(dep_004.not_applicable) == 1 with input as {"evidence": {}}
}
