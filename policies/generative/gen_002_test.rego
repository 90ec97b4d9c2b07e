package ailm.controls.generative.gen_002_test

import data.ailm.controls.generative.gen_002
import rego.v1

inp(findings) := {"as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"), "evidence": {
	"base_model": {"id": "bm", "data": {"name": "llama"}},
	"red_team": {"id": "rt", "data": {"ran_at": "2026-09-01", "method": "internal red team", "categories": ["jailbreak"], "findings": findings}},
}}

test_pass_closed_findings if {
	count(gen_002.deny) == 0 with input as inp([{"id": "RT-1", "severity": "critical", "status": "closed"}])
}

test_fail_open_critical if {
	gen_002.deny == {{"msg": "red-team finding RT-2 is critical and still open", "evidence": ["rt"]}} with input as inp([{"id": "RT-2", "severity": "critical", "status": "open"}])
}

test_not_applicable_without_generative_model if {
	count(gen_002.not_applicable) == 1 with input as {"evidence": {}}
}
