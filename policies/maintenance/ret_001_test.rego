package ailm.controls.maintenance.ret_001_test

import data.ailm.controls.maintenance.ret_001
import rego.v1

now := time.parse_rfc3339_ns("2026-11-23T00:00:00Z")

test_pass_recent_run if {
	count(ret_001.deny) == 0 with input as {"as_of_ns": now, "evidence": {"run": {"id": "r", "data": {"ended_at": "2026-06-01T00:00:00Z"}}}}
}

test_pass_revalidated if {
	count(ret_001.deny) == 0 with input as {"as_of_ns": now, "evidence": {"run": {"id": "r", "data": {"ended_at": "2024-06-01T00:00:00Z"}}, "validation": {"id": "v", "data": {"validated_at": "2026-10-01"}}}}
}

test_not_applicable_when_suspended if {
	ret_001.not_applicable == {"the version is suspended"} with input as {"as_of_ns": now, "evidence": {"run": {"id": "r", "data": {"ended_at": "2024-06-01T00:00:00Z"}}, "retirement": {"id": "ret", "data": {"status": "suspended"}}}}
}

test_fail_stale_and_active if {
	ret_001.deny == {{"msg": "last validated 2024-06-01T00:00:00Z, 905 days ago (more than 365), and the status is active, not suspended", "evidence": ["r"]}} with input as {"as_of_ns": now, "evidence": {"run": {"id": "r", "data": {"ended_at": "2024-06-01T00:00:00Z"}}}}
}
