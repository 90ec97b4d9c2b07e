package ailm.controls.planning.pln_002_test

import data.ailm.controls.planning.pln_002
import rego.v1

plan(d) := {"evidence": {"plan": {"id": "p", "data": d}}, "expired": []}

full := {"intended_purpose": "screen applications", "foreseeable_misuse": ["sole basis"], "out_of_scope": ["minors"]}

test_pass_all_stated if {
	count(pln_002.deny) == 0 with input as plan(full)
}

test_fail_empty_misuse if {
	pln_002.deny == {{"msg": "plan states no foreseeable_misuse", "evidence": ["p"]}} with input as plan(object.union(full, {"foreseeable_misuse": []}))
}

test_fail_text_instead_of_list if {
	pln_002.deny == {{"msg": "plan out_of_scope must be a list of uses", "evidence": ["p"]}} with input as plan(object.union(full, {"out_of_scope": "minors"}))
}

test_fail_no_plan if {
	pln_002.deny == {{"msg": "evidence 'plan' is missing", "evidence": []}} with input as {"evidence": {}, "expired": []}
}
