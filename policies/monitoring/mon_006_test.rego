package ailm.controls.monitoring.mon_006_test

import data.ailm.controls.monitoring.mon_006
import rego.v1

inp(items) := {"evidence": {"deployment": {"id": "dep", "data": {}}, "incidents": {"id": "inc", "data": {"items": items}}}}

test_pass_no_incidents if {
	count(mon_006.deny) == 0 with input as inp([])
}

test_pass_reported_serious_incident if {
	count(mon_006.deny) == 0 with input as inp([{"id": "INC-1", "severity": "high", "serious": true, "root_cause": "drift", "corrective_action": "rollback", "regulator_reference": "MSA-2026-17"}])
}

test_fail_unreported_serious_incident if {
	mon_006.deny == {{"msg": "serious incident INC-1 has no regulator_reference (Art. 73)", "evidence": ["inc"]}} with input as inp([{"id": "INC-1", "severity": "high", "serious": true, "root_cause": "drift", "corrective_action": "rollback"}])
}

test_fail_missing_when_deployed if {
	some f in mon_006.deny with input as {"evidence": {"deployment": {"id": "dep", "data": {}}}, "expired": []}
	startswith(f.msg, "deployed, but evidence 'incidents' is missing")
}
