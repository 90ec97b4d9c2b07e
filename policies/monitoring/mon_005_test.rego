package ailm.controls.monitoring.mon_005_test

import data.ailm.controls.monitoring.mon_005
import rego.v1

clock := {"as_of": "2026-11-23T00:00:00Z", "as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"), "expired": []}

inp(last_run) := object.union(clock, {"evidence": {
	"deployment": {"id": "dep1", "data": {}},
	"monitoring": {"id": "mon1", "data": {"cadence_days": 7, "last_run_at": last_run, "open_alerts": []}},
}})

test_pass_recent_run if {
	count(mon_005.deny) == 0 with input as inp("2026-11-20")
}

test_fail_stale_run if {
	mon_005.deny == {{"msg": "last monitoring run 2026-11-01 is 22 days old, more than twice the 7-day cadence", "evidence": ["mon1"]}} with input as inp("2026-11-01")
}

test_fail_deployed_without_monitoring if {
	mon_005.deny == {{"msg": "deployed, but evidence 'monitoring' is missing", "evidence": ["dep1"]}} with input as object.union(clock, {"evidence": {"deployment": {"id": "dep1", "data": {}}}})
}

test_fail_alert_open_without_incident if {
	with_alert := json.patch(inp("2026-11-20"), [{"op": "replace", "path": "/evidence/monitoring/data/open_alerts", "value": [{"id": "a1", "state": "failing", "opened_at": "2026-11-01"}]}])
	mon_005.deny == {{"msg": "alert a1 has been failing for 22 days with no incident", "evidence": ["mon1"]}} with input as with_alert
}

test_not_applicable_when_not_deployed if {
	mon_005.not_applicable == {"the version has no declared deployment"} with input as object.union(clock, {"evidence": {}})
}
