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

reg(tags, stage) := {"id": "mlflow:model_version:m/1", "data": {"tags": tags, "stage": stage}}

test_fail_retired_in_the_registry_without_a_retirement_record if {
	ret_003.deny == {{"msg": "the version is retired, but evidence 'retirement' is missing", "evidence": ["mlflow:model_version:m/1"]}} with input as {"evidence": {"reg": reg({"lifecycle": "retired"}, null)}}
}

test_the_registry_says_retired_whatever_the_facts_say if {
	got := ret_003.deny with input as {"evidence": {"reg": reg({}, "Archived"), "retirement": {"id": "ret", "data": {"status": "active"}}}}
	{"msg": "retired, but retirement declares no retired_at", "evidence": ["ret"]} in got
	count(ret_003.not_applicable) == 0 with input as {"evidence": {"reg": reg({}, "Archived")}}
}

test_not_applicable_when_the_registry_tag_is_not_retired if {
	ret_003.not_applicable == {"the version is active, not retired"} with input as {"evidence": {"reg": reg({"lifecycle": "active"}, "None")}}
	ret_003.not_applicable == {"the version is active, not retired"} with input as {"evidence": {"reg": reg("retired", 7)}}
}
