package ailm.controls.data.data_009_test

import data.ailm.controls.data.data_009
import rego.v1

inp(facts) := {"as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"), "evidence": {"ds": [{"id": "d", "data": {"name": "train"}}], "ds_facts": [{"id": "f", "data": object.union({"name": "train"}, facts)}]}}

test_pass_within_retention if {
	count(data_009.deny) == 0 with input as inp({"retention_until": "2030-01-01"})
}

test_pass_expired_and_deleted if {
	count(data_009.deny) == 0 with input as inp({"retention_until": "2026-01-01", "deleted_at": "2026-01-02", "deletion_record": "DEL-1"})
}

test_fail_expired_not_deleted if {
	data_009.deny == {{"msg": "dataset train was to be kept until 2026-01-01 and has no deletion record", "evidence": ["f"]}} with input as inp({"retention_until": "2026-01-01"})
}

test_fail_no_retention if {
	data_009.deny == {{"msg": "dataset train declares no retention_until", "evidence": ["f"]}} with input as inp({})
}
