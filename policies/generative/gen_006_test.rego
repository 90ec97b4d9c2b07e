package ailm.controls.generative.gen_006_test

import data.ailm.controls.generative.gen_006
import rego.v1

ref(v) := {"name": "support-system", "version": v, "evidence": sprintf("mlflow:prompt_version:support-system/%s", [v])}

prompt(v, tags) := {"id": sprintf("mlflow:prompt_version:support-system/%s", [v]), "data": {"name": "support-system", "version": v, "template_sha256": "ab", "tags": tags}}

approved := {"approved_by": "head-of-ops@example.org", "approved_at": "2026-11-10"}

inp(refs, records) := {"as_of_ns": time.parse_rfc3339_ns("2026-11-23T00:00:00Z"), "evidence": {
	"inventory": {"id": "inv", "data": {"model_type": "llm"}},
	"run": {"id": "run1", "data": {"prompts": refs}},
	"prompt_version": records,
}}

test_pass_an_approved_served_prompt if {
	count(gen_006.deny) == 0 with input as inp([ref("1")], [prompt("1", approved)])
}

test_fail_a_served_prompt_without_approval if {
	gen_006.deny == {
		{"msg": "prompt support-system version 2 is served without approval (no approved_by tag on the version)", "evidence": ["mlflow:prompt_version:support-system/2", "run1"]},
		{"msg": "prompt support-system version 2 approved_at is missing, not a date (YYYY-MM-DD or RFC 3339)", "evidence": ["mlflow:prompt_version:support-system/2", "run1"]},
	} with input as inp([ref("2")], [prompt("1", approved), prompt("2", {})])
}

test_fail_an_approval_after_the_clock if {
	gen_006.deny == {{"msg": "prompt support-system version 1 was approved on 2026-12-01, after the audit clock", "evidence": ["mlflow:prompt_version:support-system/1", "run1"]}} with input as inp([ref("1")], [prompt("1", {"approved_by": "x@example.org", "approved_at": "2026-12-01"})])
}

test_fail_no_served_prompt if {
	gen_006.deny == {{"msg": "the release run links no prompt version (MLflow prompt registry, tag mlflow.linkedPrompts): the prompts it serves are not versioned", "evidence": ["run1"]}} with input as inp([], [])
}

test_fail_prompts_that_are_not_a_list if {
	count(gen_006.deny) == 1 with input as inp("support-system/1", [])
}

test_fail_a_served_prompt_without_its_record if {
	gen_006.deny == {{"msg": "prompt support-system version 3 is served but no record of it was collected", "evidence": ["run1"]}} with input as inp([ref("3")], [prompt("1", approved)])
}

test_fail_no_run if {
	gen_006.deny == {{"msg": "evidence 'run' is missing", "evidence": []}} with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm"}}}}
}

test_not_applicable_without_prompts if {
	gen_006.not_applicable == {"the application serves no prompt (inventory.uses_prompts: false)"} with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm", "uses_prompts": false}}}}
	count(gen_006.deny) == 0 with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm", "uses_prompts": false}}}}
}

test_not_applicable_without_generative_model if {
	gen_006.not_applicable == {"not a generative model (inventory.model_type, base_model)"} with input as {"evidence": {}}
}
