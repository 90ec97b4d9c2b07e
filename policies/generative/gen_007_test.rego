package ailm.controls.generative.gen_007_test

import data.ailm.controls.generative.gen_007
import rego.v1

source := {"name": "help-pages", "owner": "customer-ops", "reviewed_at": "2026-10-01"}

task := {"task": "faithfulness", "metric": "accuracy", "threshold": 0.9, "groundedness": true}

inp(sources, tasks) := {"evidence": {
	"inventory": {"id": "inv", "data": {"model_type": "llm"}},
	"retrieval": {"id": "ret", "data": {"sources": sources}},
	"plan": {"id": "p", "data": {"gen_tasks": tasks}},
	"gen_eval": {"id": "e", "data": {"results": [{"task": "faithfulness", "metric": "accuracy", "value": 0.95}]}},
}}

test_pass_sources_known_and_groundedness_evaluated if {
	count(gen_007.deny) == 0 with input as inp([source], [task])
}

test_fail_no_groundedness_task if {
	gen_007.deny == {{"msg": "no plan task evaluates groundedness (plan.gen_tasks with groundedness: true)", "evidence": ["p"]}} with input as inp([source], [json.remove(task, ["groundedness"])])
}

test_fail_a_groundedness_task_without_result if {
	other := json.patch(task, [{"op": "replace", "path": "/task", "value": "hallucination"}])
	gen_007.deny == {{"msg": "groundedness task hallucination (accuracy) has no evaluation result", "evidence": ["p"]}} with input as inp([source], [other])
}

test_fail_a_source_without_owner_and_a_bad_date if {
	gen_007.deny == {
		{"msg": "retrieval source help-pages declares no owner", "evidence": ["ret"]},
		{"msg": "retrieval source help-pages reviewed_at is \"last week\" (a string), not a date (YYYY-MM-DD or RFC 3339)", "evidence": ["ret"]},
	} with input as inp([{"name": "help-pages", "reviewed_at": "last week"}], [task])
}

test_fail_no_sources if {
	gen_007.deny == {{"msg": "retrieval declares no sources", "evidence": ["ret"]}} with input as inp([], [task])
}

test_fail_sources_not_a_list if {
	gen_007.deny == {{"msg": "retrieval.sources is \"help-pages\" (a string), not a list", "evidence": ["ret"]}} with input as inp("help-pages", [task])
}

test_fail_declared_retrieval_without_the_fact if {
	gen_007.deny == {
		{"msg": "evidence 'retrieval' is missing", "evidence": ["inv"]},
		{"msg": "no plan task evaluates groundedness (plan.gen_tasks with groundedness: true)", "evidence": []},
	} with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm", "uses_retrieval": true}}}}
}

test_not_applicable_without_retrieval if {
	gen_007.not_applicable == {"the application retrieves nothing (no retrieval fact, inventory.uses_retrieval not true)"} with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm"}}}}
}

test_not_applicable_without_generative_model if {
	count(gen_007.not_applicable) == 1 with input as {"evidence": {}}
	count(gen_007.deny) == 0 with input as {"evidence": {}}
}
