package ailm.controls.governance.gov_004_test

import data.ailm.controls.governance.gov_004
import rego.v1

inp(approver) := {
	"evidence": {
		"reg": {"id": "reg1", "data": {"tags": {"validated_by": "val@x", "approved_by": approver}}},
		"run": {"id": "run1", "data": {"run_id": "abc", "user": "ds@x", "tags": {}}},
	},
	"expired": [],
}

test_pass_independent_approver if {
	count(gov_004.deny) == 0 with input as inp("boss@x")
}

test_fail_author_approves if {
	gov_004.deny == {{
		"msg": "approved_by ds@x is also an author of training run abc",
		"evidence": ["reg1", "run1"],
	}} with input as inp("ds@x")
}

test_fail_missing_run if {
	some f in gov_004.deny with input as {"evidence": {"reg": inp("b").evidence.reg}, "expired": []}
	f.msg == "evidence 'run' is missing"
}
