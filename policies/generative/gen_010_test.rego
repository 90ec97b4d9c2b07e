package ailm.controls.generative.gen_010_test

import data.ailm.controls.generative.gen_010
import rego.v1

inp(g) := {"as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"), "evidence": {
	"inventory": {"id": "inv", "data": {"model_type": "foundation", "general_purpose": true}},
	"gpai": {"id": "g", "data": g},
}}

docs := {"technical_documentation_uri": "https://docs.example.org/gpai/annex-xi", "downstream_information_uri": "https://docs.example.org/gpai/annex-xii", "updated_at": "2026-06-01"}

test_pass_current_documentation if {
	count(gen_010.deny) == 0 with input as inp(docs)
}

test_fail_stale_documentation if {
	gen_010.deny == {{"msg": "the general-purpose model's documentation was last updated 2025-06-01, 540 days ago (more than 365)", "evidence": ["g"]}} with input as inp(object.union(docs, {"updated_at": "2025-06-01"}))
}

test_fail_missing_downstream_information if {
	gen_010.deny == {{"msg": "gpai declares no downstream_information_uri", "evidence": ["g"]}} with input as inp(json.remove(docs, ["downstream_information_uri"]))
}

test_fail_update_not_a_date if {
	gen_010.deny == {{"msg": "gpai.updated_at is true (a boolean), not a date (YYYY-MM-DD or RFC 3339)", "evidence": ["g"]}} with input as inp(object.union(docs, {"updated_at": true}))
}

test_fail_missing_gpai if {
	gen_010.deny == {{"msg": "evidence 'gpai' is missing", "evidence": []}} with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm", "general_purpose": true}}}}
}

test_not_applicable_for_an_application if {
	gen_010.not_applicable == {"not a general-purpose model (inventory.general_purpose is not true)"} with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm"}}}}
}

test_not_applicable_without_generative_model if {
	count(gen_010.not_applicable) == 1 with input as {"evidence": {}}
}
