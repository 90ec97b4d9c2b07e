# Evaluation results of generative models, from the sources GEN-001 and GEN-005 read, best first:
# 1. Inspect AI logs (evidence inspect_eval, measured): per task, the latest log; its results when it succeeded.
# 2. a declared harness run (gen_eval: harness, results with task, metric, value and optionally samples, stderr);
# 3. the model card's model-index results (no sample counts).
# Every result is {task, metric, value, stderr, samples, source, measured}; a missing field is null.
package ailm.lib.genai

import data.ailm.lib
import rego.v1

evals := lib.records("inspect_eval")

# A log's place in time: its creation (Inspect writes it for every log, run or not); "" when it is not text,
# so that both engines order the logs the same way.
stamp(e) := s if {
	s := lib.get(e.data, "created_at")
	is_string(s)
} else := ""

tasks_run := {t | some e in evals; t := lib.get(e.data, "task"); is_string(t)}

# The latest log of a task (by creation, ties broken by id).
latest(task) := [e |
	some e in evals
	lib.get(e.data, "task") == task
	every other in [o | some o in evals; lib.get(o.data, "task") == task] {
		[stamp(other), other.id] <= [stamp(e), e.id]
	}
][0]

inspect_results := [{"task": task, "metric": name, "value": lib.get(r, "value"), "stderr": lib.get(r, "stderr"), "samples": lib.get(r, "samples"), "source": e.id, "measured": true} |
	some task in tasks_run
	e := latest(task)
	lib.get(e.data, "status") == "success"
	some r in lib.list(lib.get(e.data, "results"))
	some name in lib.list(lib.get(r, "names"))
]

harness_results := [{"task": lib.get(r, "task"), "metric": lib.get(r, "metric"), "value": lib.get(r, "value"), "stderr": lib.get(r, "stderr"), "samples": lib.get(r, "samples"), "source": input.evidence.gen_eval.id, "measured": false} |
	some r in lib.list(lib.get(lib.data_of("gen_eval"), "results"))
]

card_results := [{"task": lib.get(r, "dataset"), "metric": lib.get(r, "metric"), "value": lib.get(r, "value"), "stderr": null, "samples": null, "source": input.evidence.model_card.id, "measured": false} |
	some r in lib.list(lib.get(lib.data_of("model_card"), "eval_results"))
]

results := array.concat(inspect_results, array.concat(harness_results, card_results))

# The result a plan task is held to: the first source that gives one.
result(task, metric) := matches[0] if {
	matches := [r | some r in results; r.task == task; r.metric == metric]
	count(matches) > 0
}

tasks := lib.list(lib.get(lib.data_of("plan"), "gen_tasks"))

# Whether a value meets a task's threshold in its direction (min, the default, or max).
meets(v, t) if {
	object.get(t, "direction", "min") == "min"
	v >= t.threshold
}

meets(v, t) if {
	t.direction == "max"
	v <= t.threshold
}
