package ailm.controls.generative.gen_004_test

import data.ailm.controls.generative.gen_004
import rego.v1

gd := {"summary_uri": "https://x/summary", "copyright_policy_uri": "https://x/copyright", "opt_outs_honoured": true, "sources": [{"name": "support tickets", "licence": "own data"}]}

inp(g, general) := {"evidence": {"inventory": {"id": "i", "data": {"model_type": "llm", "general_purpose": general}}, "gen_data": {"id": "g", "data": g}}}

test_pass_documented if {
	count(gen_004.deny) == 0 with input as inp(gd, false)
}

test_fail_general_purpose_unpublished if {
	gen_004.deny == {{"msg": "a general-purpose model's training-content summary is not published (summary_published_at)", "evidence": ["g"]}} with input as inp(gd, true)
}

test_fail_opt_outs_and_licence if {
	count(gen_004.deny) == 2 with input as inp(object.union(gd, {"opt_outs_honoured": false, "sources": [{"name": "web crawl"}]}), false)
}
