package ailm.controls.generative.gen_008_test

import data.ailm.controls.generative.gen_008
import rego.v1

f(name, tested) := {"name": name, "applies_to": "input", "threshold": 0.8, "enabled": true, "tested_at": tested}

inp(filters) := {"as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"), "evidence": {
	"inventory": {"id": "inv", "data": {"model_type": "llm"}},
	"guardrails": {"id": "g", "data": {"filters": filters}},
}}

test_pass_enabled_and_recently_tested_filters if {
	count(gen_008.deny) == 0 with input as inp([f("prompt-injection", "2026-11-01"), json.patch(f("pii-output", "2026-10-01"), [{"op": "remove", "path": "/threshold"}, {"op": "add", "path": "/rule", "value": "mask card numbers"}])])
}

test_fail_a_stale_test if {
	gen_008.deny == {{"msg": "guardrail prompt-injection was last tested 2026-05-01, 206 days ago (more than 90)", "evidence": ["g"]}} with input as inp([f("prompt-injection", "2026-05-01")])
}

test_fail_disabled_untested_and_ruleless if {
	gen_008.deny == {
		{"msg": "guardrail toxicity is not enabled", "evidence": ["g"]},
		{"msg": "guardrail toxicity declares no tested_at", "evidence": ["g"]},
		{"msg": "guardrail toxicity declares neither a threshold nor a rule", "evidence": ["g"]},
		{"msg": "guardrail toxicity applies_to is \"both\" (a string), not input or output", "evidence": ["g"]},
	} with input as inp([{"name": "toxicity", "applies_to": "both", "enabled": "yes"}])
}

test_fail_a_test_date_that_is_not_a_date if {
	gen_008.deny == {{"msg": "guardrail prompt-injection tested_at is 20261101 (a number), not a date (YYYY-MM-DD or RFC 3339)", "evidence": ["g"]}} with input as inp([f("prompt-injection", 20261101)])
}

test_fail_no_filters if {
	gen_008.deny == {{"msg": "guardrails declares no filters", "evidence": ["g"]}} with input as inp([])
}

test_fail_filters_not_a_list if {
	gen_008.deny == {{"msg": "guardrails.filters is an object, not a list", "evidence": ["g"]}} with input as inp({"name": "x"})
}

test_fail_missing_guardrails if {
	gen_008.deny == {{"msg": "evidence 'guardrails' is missing", "evidence": []}} with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm"}}}}
}

test_fail_without_a_clock if {
	gen_008.deny == {{"msg": "the input has no audit clock (as_of_ns), so no date can be judged", "evidence": ["g"]}} with input as json.remove(inp([f("prompt-injection", "2026-11-01")]), ["as_of_ns"])
}

test_not_applicable_without_generative_model if {
	count(gen_008.not_applicable) == 1 with input as {"evidence": {}}
}
