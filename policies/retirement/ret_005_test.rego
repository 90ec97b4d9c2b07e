package ailm.controls.retirement.ret_005_test

import data.ailm.controls.retirement.ret_005
import rego.v1

inp(facts) := {"evidence": {
	"retirement": {"id": "ret", "data": {"status": "retired"}},
	"ds": [{"id": "d", "data": {"name": "train"}}],
	"ds_facts": [{"id": "f", "data": object.union({"name": "train"}, facts)}],
}}

test_pass_retained_on_basis if {
	count(ret_005.deny) == 0 with input as inp({"retention_basis": "legal hold", "retention_until": "2030-01-01"})
}

test_pass_deleted if {
	count(ret_005.deny) == 0 with input as inp({"deleted_at": "2026-07-01", "deletion_record": "DEL-9", "special_category": {"purpose": "bias_detection"}})
}

test_fail_special_category_kept if {
	ret_005.deny == {{"msg": "dataset train holds special-category data and has no deletion record", "evidence": ["f"]}} with input as inp({"retention_basis": "x", "retention_until": "2030-01-01", "special_category": {"purpose": "bias_detection"}})
}

test_fail_neither_retained_nor_deleted if {
	some f in ret_005.deny with input as inp({})
	f.msg == "dataset train is neither retained on a basis nor deleted"
}
