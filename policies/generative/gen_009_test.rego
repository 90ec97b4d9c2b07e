package ailm.controls.generative.gen_009_test

import data.ailm.controls.generative.gen_009
import rego.v1

inp(t) := {"evidence": {
	"inventory": {"id": "inv", "data": {"model_type": "llm"}},
	"transparency": {"id": "t", "data": t},
}}

disclosed := {"ai_disclosure": true, "disclosure_text": "You are chatting with an AI assistant.", "shown_at": "chat window header"}

test_pass_disclosed_conversation_only if {
	count(gen_009.deny) == 0 with input as inp(object.union(disclosed, {"generates_content": false}))
}

test_pass_disclosed_and_marked if {
	count(gen_009.deny) == 0 with input as inp(object.union(disclosed, {"content_marking": {"method": "c2pa", "checked_at": "2026-11-01"}}))
}

test_fail_generated_content_unmarked if {
	gen_009.deny == {{"msg": "generated content is not marked as AI-generated in a machine-readable way (transparency.content_marking)", "evidence": ["t"]}} with input as inp(disclosed)
}

test_fail_no_disclosure if {
	gen_009.deny == {{"msg": "transparency does not state that users are told they interact with an AI system (ai_disclosure)", "evidence": ["t"]}} with input as inp({"ai_disclosure": "yes", "generates_content": false})
}

test_fail_disclosure_without_text if {
	gen_009.deny == {{"msg": "transparency declares no disclosure_text", "evidence": ["t"]}} with input as inp({"ai_disclosure": true, "shown_at": "header", "generates_content": false})
}

test_fail_unknown_marking_and_bad_date if {
	gen_009.deny == {
		{"msg": "content_marking.method is \"invisible ink\" (a string), not one of c2pa, watermark, metadata", "evidence": ["t"]},
		{"msg": "content_marking.checked_at is missing, not a date (YYYY-MM-DD or RFC 3339)", "evidence": ["t"]},
	} with input as inp(object.union(disclosed, {"content_marking": {"method": "invisible ink"}}))
}

test_fail_missing_transparency if {
	gen_009.deny == {{"msg": "evidence 'transparency' is missing", "evidence": []}} with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm"}}}}
}

test_not_applicable_without_generative_model if {
	count(gen_009.not_applicable) == 1 with input as {"evidence": {}}
}
