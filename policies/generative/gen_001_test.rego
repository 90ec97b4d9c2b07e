package ailm.controls.generative.gen_001_test

import data.ailm.controls.generative.gen_001
import rego.v1

inp(v) := {"evidence": {
	"inventory": {"id": "inv", "data": {"model_type": "llm"}},
	"plan": {"id": "p", "data": {"gen_tasks": [{"task": "truthfulqa_mc2", "metric": "acc", "threshold": 0.45}]}},
	"gen_eval": {"id": "e", "data": {"harness": "lm-evaluation-harness", "harness_version": "0.4.5", "ran_at": "2026-10-01", "results": [{"task": "truthfulqa_mc2", "metric": "acc", "value": v}]}},
}}

test_pass_meets_task_thresholds if {
	count(gen_001.deny) == 0 with input as inp(0.51)
}

test_not_applicable_for_tabular_model if {
	count(gen_001.not_applicable) == 1 with input as {"evidence": {"inventory": {"id": "inv", "data": {"model_type": "tabular"}}}}
}

test_fail_below_threshold if {
	gen_001.deny == {{"msg": "task truthfulqa_mc2: acc = 0.4 does not meet the threshold 0.45", "evidence": ["e", "p"]}} with input as inp(0.4)
}

test_pass_model_card_results_count if {
	card := {"id": "card", "data": {"eval_results": [{"dataset": "truthfulqa_mc2", "metric": "acc", "value": 0.5}]}}
	given := json.patch(inp(0.1), [{"op": "remove", "path": "/evidence/gen_eval"}, {"op": "add", "path": "/evidence/model_card", "value": card}])
	count(gen_001.deny) == 0 with input as given
}

test_fail_harness_result_wins_over_the_card if {
	card := {"id": "card", "data": {"eval_results": [{"dataset": "truthfulqa_mc2", "metric": "acc", "value": 0.9}]}}
	given := json.patch(inp(0.3), [{"op": "add", "path": "/evidence/model_card", "value": card}])
	gen_001.deny == {{"msg": "task truthfulqa_mc2: acc = 0.3 does not meet the threshold 0.45", "evidence": ["e", "p"]}} with input as given
}

# ---- measured: Inspect AI logs -----------------------------------------------------------------------------

log(id, created, status, value) := {"id": id, "data": {"model_version": "4", "task": "truthfulqa_mc2", "created_at": created, "status": status, "error": null, "complete": whole(status), "incomplete": gaps(status), "results": [{"task": "truthfulqa_mc2", "scorer": "choice", "metric": "acc", "names": ["choice/acc", "acc"], "value": value, "stderr": 0.01, "samples": 800}]}}

whole(status) := true if status == "success" else := false

gaps(status) := [] if status == "success" else := [sprintf("status %s", [status])]

# A --limit 12 run, as the collector records it: it succeeded on 12 of the 800 samples.
partial(id, created, value) := json.patch(log(id, created, "success", value), [
	{"op": "replace", "path": "/data/complete", "value": false},
	{"op": "replace", "path": "/data/incomplete", "value": ["limit 12", "12 of 800 samples completed (800 x 1 epochs)"]},
	{"op": "replace", "path": "/data/results/0/samples", "value": 12},
])

with_logs(logs) := json.patch(inp(0.1), [{"op": "remove", "path": "/evidence/gen_eval"}, {"op": "add", "path": "/evidence/inspect_eval", "value": logs}, {"op": "add", "path": "/subject", "value": {"version": "4"}}])

test_pass_an_inspect_log_meets_the_threshold if {
	count(gen_001.deny) == 0 with input as with_logs([log("i1", "2026-11-01T10:00:00Z", "success", 0.5)])
}

test_pass_the_scorer_qualified_metric_name_matches if {
	given := json.patch(with_logs([log("i1", "2026-11-01T10:00:00Z", "success", 0.5)]), [{"op": "replace", "path": "/evidence/plan/data/gen_tasks/0/metric", "value": "choice/acc"}])
	count(gen_001.deny) == 0 with input as given
}

test_fail_the_inspect_result_wins_over_a_declared_one if {
	given := json.patch(inp(0.9), [{"op": "add", "path": "/evidence/inspect_eval", "value": [log("i1", "2026-11-01T10:00:00Z", "success", 0.3)]}, {"op": "add", "path": "/subject", "value": {"version": "4"}}])
	gen_001.deny == {{"msg": "task truthfulqa_mc2: acc = 0.3 does not meet the threshold 0.45", "evidence": ["i1", "p"]}} with input as given
}

test_fail_the_latest_log_decides if {
	gen_001.deny == {{"msg": "task truthfulqa_mc2: acc = 0.3 does not meet the threshold 0.45", "evidence": ["i2", "p"]}} with input as with_logs([log("i1", "2026-10-01T10:00:00Z", "success", 0.5), log("i2", "2026-11-01T10:00:00Z", "success", 0.3)])
}

test_fail_a_latest_log_that_did_not_succeed_is_no_result if {
	failed := json.patch(log("i2", "2026-11-01T10:00:00Z", "error", 0.9), [{"op": "replace", "path": "/data/error", "value": "RuntimeError: model timed out"}])
	gen_001.deny == {
		{"msg": "the latest Inspect evaluation of task truthfulqa_mc2 ended with status error (RuntimeError: model timed out)", "evidence": ["i2"]},
	} with input as with_logs([log("i1", "2026-10-01T10:00:00Z", "success", 0.5), failed])
}

test_pass_a_failed_run_followed_by_a_good_one if {
	count(gen_001.deny) == 0 with input as with_logs([log("i1", "2026-10-01T10:00:00Z", "cancelled", 0.1), log("i2", "2026-11-01T10:00:00Z", "success", 0.5)])
}

test_fail_no_evaluation_of_any_kind if {
	given := json.patch(inp(0.1), [{"op": "remove", "path": "/evidence/gen_eval"}])
	gen_001.deny == {
		{"msg": "evidence 'gen_eval' is missing (and no Inspect log, lm-eval results or model card evaluation results)", "evidence": []},
		{"msg": "task truthfulqa_mc2 (acc) has no evaluation result", "evidence": []},
	} with input as given
}

test_fail_an_inspect_value_that_is_not_a_number if {
	gen_001.deny == {{"msg": "task truthfulqa_mc2 acc result value is missing, not a number", "evidence": ["i1", "p"]}} with input as with_logs([log("i1", "2026-11-01T10:00:00Z", "success", null)])
}

# ---- measured: lm-evaluation-harness results ---------------------------------------------------------------

lm(id, ran, value) := {"id": id, "data": {"model_version": "4", "lm_eval_version": "0.4.13", "ran_at": ran, "limit": null, "tasks": [{"task": "truthfulqa_mc2", "samples": 817, "samples_original": 817, "complete": true, "incomplete": [], "metrics": [{"metric": "acc", "filter": "none", "names": ["acc,none", "acc"], "value": value, "stderr": 0.016}]}]}}

# An lm-eval --limit 10 run of the same task.
lm_partial(id, ran, value) := json.patch(lm(id, ran, value), [
	{"op": "replace", "path": "/data/limit", "value": 10},
	{"op": "replace", "path": "/data/tasks/0/samples", "value": 10},
	{"op": "replace", "path": "/data/tasks/0/complete", "value": false},
	{"op": "replace", "path": "/data/tasks/0/incomplete", "value": ["limit 10", "10 of 817 samples evaluated"]},
])

with_lm(runs) := json.patch(inp(0.1), [{"op": "remove", "path": "/evidence/gen_eval"}, {"op": "add", "path": "/evidence/lm_eval_run", "value": runs}, {"op": "add", "path": "/subject", "value": {"version": "4"}}])

test_pass_lm_eval_results_meet_the_threshold if {
	count(gen_001.deny) == 0 with input as with_lm([lm("l1", "2026-11-01T10:00:00Z", 0.5)])
}

test_fail_the_latest_lm_eval_run_decides if {
	gen_001.deny == {{"msg": "task truthfulqa_mc2: acc = 0.4 does not meet the threshold 0.45", "evidence": ["l2", "p"]}} with input as with_lm([lm("l1", "2026-10-01T10:00:00Z", 0.6), lm("l2", "2026-11-01T10:00:00Z", 0.4)])
}

test_fail_an_inspect_log_wins_over_lm_eval if {
	given := json.patch(with_lm([lm("l1", "2026-11-01T10:00:00Z", 0.9)]), [{"op": "add", "path": "/evidence/inspect_eval", "value": [log("i1", "2026-11-01T10:00:00Z", "success", 0.3)]}])
	gen_001.deny == {{"msg": "task truthfulqa_mc2: acc = 0.3 does not meet the threshold 0.45", "evidence": ["i1", "p"]}} with input as given
}

test_fail_measured_results_of_another_version_or_none if {
	other := object.union(log("i1", "2026-11-01T10:00:00Z", "success", 0.9), {"data": {"model_version": "3"}})
	untied := json.remove(lm("l1", "2026-11-01T10:00:00Z", 0.9), ["data/model_version"])
	gen_001.deny == {
		{"msg": "no Inspect log or lm-eval result is of this model version (4): i1 (version 3), l1 (not tied to a version: the collector's version setting)", "evidence": ["i1", "l1"]},
		{"msg": "task truthfulqa_mc2 (acc) has no evaluation result", "evidence": []},
	} with input as json.patch(with_logs([other]), [{"op": "add", "path": "/evidence/lm_eval_run", "value": [untied]}])
}

# ---- partial runs: never the task's evaluation ----------------------------------------------------------------

test_fail_a_later_partial_run_does_not_replace_a_full_run_that_failed if {
	given := with_logs([log("i1", "2026-10-01T10:00:00Z", "success", 0.3), partial("i2", "2026-11-01T10:00:00Z", 1)])
	gen_001.deny == {{"msg": "task truthfulqa_mc2: acc = 0.3 does not meet the threshold 0.45", "evidence": ["i1", "p"]}} with input as given
	gen_001.warn == {{"msg": "task truthfulqa_mc2: judged on i1; partial runs beside it, not its evaluation: i2 (limit 12; 12 of 800 samples completed (800 x 1 epochs))", "evidence": ["i1"]}} with input as given
}

test_fail_only_a_partial_run_is_no_result if {
	gen_001.deny == {{"msg": "task truthfulqa_mc2 (acc) has no evaluation result (a partial run is not one: i2 (limit 12; 12 of 800 samples completed (800 x 1 epochs)))", "evidence": ["i2"]}} with input as with_logs([partial("i2", "2026-11-01T10:00:00Z", 1)])
}

test_fail_a_log_that_does_not_say_it_is_complete_is_no_result if {
	unsaid := json.remove(log("i1", "2026-11-01T10:00:00Z", "success", 0.9), ["data/complete", "data/incomplete"])
	gen_001.deny == {{"msg": "task truthfulqa_mc2 (acc) has no evaluation result (a partial run is not one: i1 (not recorded as a complete run))", "evidence": ["i1"]}} with input as with_logs([unsaid])
}

test_fail_complete_as_text_is_not_complete if {
	text := json.patch(log("i1", "2026-11-01T10:00:00Z", "success", 0.9), [{"op": "replace", "path": "/data/complete", "value": "true"}])
	count(gen_001.deny) == 1 with input as with_logs([text])
}

test_warn_a_passing_full_run_shows_the_partial_runs_beside_it if {
	given := with_logs([partial("i0", "2026-09-01T10:00:00Z", 0.2), log("i1", "2026-10-01T10:00:00Z", "success", 0.5)])
	count(gen_001.deny) == 0 with input as given
	gen_001.warn == {{"msg": "task truthfulqa_mc2: judged on i1; partial runs beside it, not its evaluation: i0 (limit 12; 12 of 800 samples completed (800 x 1 epochs))", "evidence": ["i1"]}} with input as given
}

test_fail_a_later_lm_eval_limit_run_does_not_replace_a_full_one if {
	given := with_lm([lm("l1", "2026-10-01T10:00:00Z", 0.4), lm_partial("l2", "2026-11-01T10:00:00Z", 1)])
	gen_001.deny == {{"msg": "task truthfulqa_mc2: acc = 0.4 does not meet the threshold 0.45", "evidence": ["l1", "p"]}} with input as given
	gen_001.warn == {{"msg": "task truthfulqa_mc2: judged on l1; partial runs beside it, not its evaluation: l2 (limit 10; 10 of 817 samples evaluated)", "evidence": ["l1"]}} with input as given
}

test_fail_only_an_lm_eval_limit_run_is_no_result if {
	gen_001.deny == {{"msg": "task truthfulqa_mc2 (acc) has no evaluation result (a partial run is not one: l2 (limit 10; 10 of 817 samples evaluated))", "evidence": ["l2"]}} with input as with_lm([lm_partial("l2", "2026-11-01T10:00:00Z", 1)])
}
