package ailm.controls.retirement.ret_003_test

import data.ailm.controls.retirement.ret_003
import rego.v1

dec := {"replicas": 0, "routes_removed": true, "keys_revoked": true, "jobs_deleted": true, "consumers_notified": true, "last_log_at": "2026-05-31T23:59:00Z"}

inp(d) := {"evidence": {"retirement": {"id": "ret", "data": {"status": "retired", "retired_at": "2026-06-01T00:00:00Z", "decommission": d}}}}

test_pass_decommissioned if {
	count(ret_003.deny) == 0 with input as inp(dec)
}

test_not_applicable_when_active if {
	ret_003.not_applicable == {"the version is active, not retired"} with input as {"evidence": {}}
}

test_fail_still_serving if {
	ret_003.deny == {
		{"msg": "retired, but 2 serving replicas remain", "evidence": ["ret"]},
		{"msg": "inference was logged at 2026-07-01T00:00:00Z, after retirement at 2026-06-01T00:00:00Z", "evidence": ["ret"]},
	} with input as inp(object.union(dec, {"replicas": 2, "last_log_at": "2026-07-01T00:00:00Z"}))
}
