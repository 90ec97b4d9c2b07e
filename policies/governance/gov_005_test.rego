package ailm.controls.governance.gov_005_test

import data.ailm.controls.governance.gov_005
import rego.v1

now := time.parse_rfc3339_ns("2026-11-23T00:00:00Z")

comp := {"name": "bert-base", "licence": "Apache-2.0", "supplier": "Google", "supplier_review_at": "2026-05-01"}

test_pass_reviewed_component if {
	count(gov_005.deny) == 0 with input as {"as_of_ns": now, "evidence": {"third_party": {"id": "t", "data": {"components": [comp]}}}, "expired": []}
}

test_not_applicable_without_third_party if {
	count(gov_005.not_applicable) == 1 with input as {"as_of_ns": now, "evidence": {"ds_facts": [{"id": "d", "data": {"name": "own"}}]}, "expired": []}
}

test_fail_third_party_dataset_without_licence if {
	gov_005.deny == {{"msg": "third-party component crawl has no licence", "evidence": ["d"]}} with input as {"as_of_ns": now, "evidence": {"ds_facts": [{"id": "d", "data": {"name": "crawl", "third_party": true, "supplier": "x", "supplier_review_at": "2026-10-01"}}]}, "expired": []}
}

test_fail_stale_supplier_review if {
	old := object.union(comp, {"supplier_review_at": "2024-01-01"})
	some f in gov_005.deny with input as {"as_of_ns": now, "evidence": {"third_party": {"id": "t", "data": {"components": [old]}}}, "expired": []}
	contains(f.msg, "supplier review of bert-base is")
}
