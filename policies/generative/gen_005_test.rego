package ailm.controls.generative.gen_005_test

import data.ailm.controls.generative.gen_005
import rego.v1

plan(threshold, direction) := {"id": "p", "data": {"gen_tasks": [{"task": "support_refusal", "metric": "accuracy", "threshold": threshold, "direction": direction}]}}

log(value, stderr, samples) := {"id": "i1", "data": {"model_version": "1", "task": "support_refusal", "created_at": "2026-11-01T10:00:00Z", "status": "success", "complete": true, "incomplete": [], "results": [{"task": "support_refusal", "scorer": "refusal", "metric": "accuracy", "names": ["refusal/accuracy", "accuracy"], "value": value, "stderr": stderr, "samples": samples}]}}

inp(p, l) := {"subject": {"version": "1"}, "evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm"}}, "plan": p, "inspect_eval": [l]}}

test_pass_a_result_clear_of_its_threshold if {
	count(gen_005.deny) == 0 with input as inp(plan(0.9, "min"), log(0.95, 0.02, 120))
}

test_fail_a_result_within_noise_of_its_threshold if {
	gen_005.deny == {{"msg": "task support_refusal (accuracy): 0.7875 +/- 0.0902 (1.96 standard errors of 0.046, 80 samples) reaches the threshold 0.75: the evaluation cannot tell the result from it", "evidence": ["i1", "p"]}} with input as inp(plan(0.75, "min"), log(0.7875, 0.046025, 80))
}

test_fail_too_few_samples_even_when_clear if {
	gen_005.deny == {{"msg": "task support_refusal (accuracy): evaluated on 5 samples, fewer than 50", "evidence": ["i1"]}} with input as inp(plan(0.5, "min"), log(1, 0, 5))
}

test_pass_a_maximum_clear_of_its_threshold if {
	count(gen_005.deny) == 0 with input as inp(plan(0.2, "max"), log(0.1, 0.02, 200))
}

test_fail_a_maximum_within_noise if {
	gen_005.deny == {{"msg": "task support_refusal (accuracy): 0.15 +/- 0.0784 (1.96 standard errors of 0.04, 200 samples) reaches the threshold 0.2: the evaluation cannot tell the result from it", "evidence": ["i1", "p"]}} with input as inp(plan(0.2, "max"), log(0.15, 0.04, 200))
}

test_pass_a_result_below_its_threshold_is_gen_001s_finding if {
	count(gen_005.deny) == 0 with input as inp(plan(0.9, "min"), log(0.7, 0.02, 500))
}

test_fail_no_standard_error if {
	gen_005.deny == {{"msg": "task support_refusal (accuracy): its adequacy cannot be judged: the result's stderr is missing, not a number", "evidence": ["i1"]}} with input as inp(plan(0.5, "min"), log(0.9, null, 100))
}

test_fail_a_standard_error_that_is_text if {
	gen_005.deny == {{"msg": "task support_refusal (accuracy): its adequacy cannot be judged: the result's stderr is \"0.01\" (a string), not a number", "evidence": ["e"]}} with input as {"evidence": {
		"inventory": {"id": "inv", "data": {"model_type": "llm"}},
		"plan": plan(0.5, "min"),
		"gen_eval": {"id": "e", "data": {"results": [{"task": "support_refusal", "metric": "accuracy", "value": 0.9, "stderr": "0.01", "samples": 100}]}},
	}}
}

test_fail_a_model_card_result_has_no_sample_count if {
	gen_005.deny == {
		{"msg": "task support_refusal (accuracy): its adequacy cannot be judged: the result's samples is missing, not a number", "evidence": ["card"]},
		{"msg": "task support_refusal (accuracy): its adequacy cannot be judged: the result's stderr is missing, not a number", "evidence": ["card"]},
	} with input as {"evidence": {
		"inventory": {"id": "inv", "data": {"model_type": "llm"}},
		"plan": plan(0.5, "min"),
		"model_card": {"id": "card", "data": {"eval_results": [{"dataset": "support_refusal", "metric": "accuracy", "value": 0.9}]}},
	}}
}

test_fail_a_negative_standard_error if {
	gen_005.deny == {{"msg": "task support_refusal (accuracy): the standard error -0.01 is negative", "evidence": ["i1"]}} with input as inp(plan(0.5, "min"), log(0.9, -0.01, 100))
}

test_not_applicable_without_generative_model if {
	gen_005.not_applicable == {"not a generative model (inventory.model_type, base_model)"} with input as {"evidence": {}}
}

test_not_applicable_without_tasks if {
	gen_005.not_applicable == {"the plan declares no gen_tasks (GEN-001 fails for that)"} with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm"}}}}
}

# ---- partial runs: never judged as the task's evaluation -------------------------------------------------------

# A --limit 60 run of a 500-sample dataset: 1.0 +/- 0.0 on 60 samples would clear any threshold.
partial_log := json.patch(log(1, 0, 60), [
	{"op": "replace", "path": "/id", "value": "i2"},
	{"op": "replace", "path": "/data/created_at", "value": "2026-11-02T10:00:00Z"},
	{"op": "replace", "path": "/data/complete", "value": false},
	{"op": "replace", "path": "/data/incomplete", "value": ["limit 60", "60 of 500 samples completed (500 x 1 epochs)"]},
])

test_fail_a_partial_run_is_not_judged if {
	gen_005.deny == {{"msg": "task support_refusal (accuracy): no result of a run over the whole dataset to judge (a partial run is not one: i2 (limit 60; 60 of 500 samples completed (500 x 1 epochs)))", "evidence": ["i2"]}} with input as inp(plan(0.75, "min"), partial_log)
}

test_fail_a_later_partial_run_does_not_replace_the_full_one if {
	given := json.patch(inp(plan(0.75, "min"), log(0.7875, 0.046025, 80)), [{"op": "add", "path": "/evidence/inspect_eval/-", "value": partial_log}])
	gen_005.deny == {{"msg": "task support_refusal (accuracy): 0.7875 +/- 0.0902 (1.96 standard errors of 0.046, 80 samples) reaches the threshold 0.75: the evaluation cannot tell the result from it", "evidence": ["i1", "p"]}} with input as given
}

lm_run(id, limit, effective, complete) := {"id": id, "data": {"model_version": "1", "ran_at": "2026-12-01T22:49:33Z", "limit": limit, "tasks": [{"task": "support_refusal", "samples": effective, "samples_original": 80, "complete": complete, "incomplete": [], "metrics": [{"metric": "accuracy", "filter": "none", "names": ["accuracy,none", "accuracy"], "value": 1, "stderr": 0}]}]}}

test_pass_a_whole_lm_eval_run_names_the_file_judged if {
	given := {"subject": {"version": "1"}, "evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm"}}, "plan": plan(0.75, "min"), "lm_eval_run": [lm_run("lm_eval:results_full", null, 80, true)]}}
	count(gen_005.deny) == 0 with input as given
	gen_005.judged == {[plan(0.75, "min").data.gen_tasks[0], {"task": "support_refusal", "metric": "accuracy", "value": 1, "stderr": 0, "samples": 80, "source": "lm_eval:results_full", "measured": true}]} with input as given
}

test_fail_an_lm_eval_limit_run_is_not_judged if {
	given := {"subject": {"version": "1"}, "evidence": {"inventory": {"id": "inv", "data": {"model_type": "llm"}}, "plan": plan(0.75, "min"), "lm_eval_run": [json.patch(lm_run("lm_eval:results_limit", 10, 10, false), [{"op": "replace", "path": "/data/tasks/0/incomplete", "value": ["limit 10", "10 of 80 samples evaluated"]}])]}}
	gen_005.deny == {{"msg": "task support_refusal (accuracy): no result of a run over the whole dataset to judge (a partial run is not one: lm_eval:results_limit (limit 10; 10 of 80 samples evaluated))", "evidence": ["lm_eval:results_limit"]}} with input as given
}
