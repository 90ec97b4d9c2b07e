package ailm.controls.retirement.ret_004_test

import data.ailm.controls.retirement.ret_004
import rego.v1

item(kind, until) := {"kind": kind, "retain_until": until, "sha256": "ab"}

docs := [item(k, "2037-01-01") | some k in ["technical_documentation", "qms", "declaration_of_conformity", "test_reports"]]

inp(items) := {"evidence": {"retirement": {"id": "ret", "data": {"status": "retired", "retired_at": "2026-06-01"}}, "archive": {"id": "a", "data": {"items": items}}}}

test_pass_archived if {
	count(ret_004.deny) == 0 with input as inp(array.concat(docs, [item("logs", "2027-01-01")]))
}

test_fail_short_log_retention_and_missing_doc if {
	ret_004.deny == {
		{"msg": "archived logs are kept until 2026-09-01, less than 183 days after retirement", "evidence": ["a", "ret"]},
		{"msg": "the archive holds no qms", "evidence": ["a"]},
	} with input as inp(array.concat([d | some d in docs; d.kind != "qms"], [item("logs", "2026-09-01")]))
}

test_not_applicable_when_active if {
	count(ret_004.not_applicable) == 1 with input as {"evidence": {}}
}
