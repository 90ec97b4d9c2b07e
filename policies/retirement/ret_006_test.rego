package ailm.controls.retirement.ret_006_test

import data.ailm.controls.retirement.ret_006
import rego.v1

inp(ll) := {"as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"), "evidence": {"retirement": {"id": "ret", "data": {"status": "retired", "retired_at": "2026-06-01", "lessons_learned": ll}}}}

test_pass_lessons_linked if {
	count(ret_006.deny) == 0 with input as inp({"completed_at": "2026-07-15", "uri": "https://x/ll", "risk_register_ref": "RR-2026-4"})
}

test_fail_overdue if {
	ret_006.deny == {{"msg": "retired 2026-06-01, more than 90 days ago, and no lessons-learned review is recorded (lessons_learned.completed_at)", "evidence": ["ret"]}} with input as inp({})
}

test_fail_unlinked if {
	ret_006.deny == {{"msg": "the lessons-learned review is not linked to the risk register", "evidence": ["ret"]}} with input as inp({"completed_at": "2026-07-15"})
}

test_fail_retired_in_the_registry_without_a_retirement_record if {
	ret_006.deny == {{"msg": "the version is retired, but evidence 'retirement' is missing", "evidence": ["mlflow:model_version:m/1"]}} with input as {"evidence": {"reg": {"id": "mlflow:model_version:m/1", "data": {"tags": {"lifecycle": "retired"}}}}}
}
