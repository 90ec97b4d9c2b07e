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
