package ailm.controls.governance.gov_003_test

import data.ailm.controls.governance.gov_003
import rego.v1

procs := {p: sprintf("https://qms.example.org/%s", [p]) | some p in data.ailm.thresholds.qms_procedures}

good := {
	"as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"),
	"evidence": {"ai_policy": {"id": "p", "data": {"approved_by": "board", "approved_at": "2025-01-10", "reviewed_at": "2026-03-01", "qms_procedures": procs}}},
	"expired": [],
}

test_pass_reviewed_policy_with_procedures if {
	count(gov_003.deny) == 0 with input as good
}

test_fail_stale_review if {
	stale := json.patch(good, [{"op": "replace", "path": "/evidence/ai_policy/data/reviewed_at", "value": "2025-06-01"}])
	some f in gov_003.deny with input as stale
	contains(f.msg, "last reviewed 2025-06-01")
}

test_fail_missing_procedure if {
	gap := json.patch(good, [{"op": "remove", "path": "/evidence/ai_policy/data/qms_procedures/incident_reporting"}])
	gov_003.deny == {{"msg": "the quality management system has no incident_reporting procedure", "evidence": ["p"]}} with input as gap
}

test_fail_missing_policy if {
	gov_003.deny == {{"msg": "evidence 'ai_policy' is missing", "evidence": []}} with input as {"evidence": {}, "expired": []}
}
