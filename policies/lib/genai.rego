# Evaluation results of generative models, from the sources GEN-001 and GEN-005 read, best first:
# 1. Inspect AI logs (evidence inspect_eval, measured): per task, the latest complete log (it succeeded and
#    evaluated the whole dataset: no --limit, no --sample-id, every sample completed and scored).
# 2. lm-evaluation-harness results files (evidence lm_eval_run, measured): per task, the latest run that
#    evaluated the whole dataset of the task (no --limit, n-samples effective = original).
# A partial run is never the task's evaluation and never supersedes a complete one, however recent: it is
# shown beside the result (partial_runs), never in place of it.
# 3. a declared harness run (gen_eval: harness, results with task, metric, value and optionally samples, stderr);
# 4. the model card's model-index results (no sample counts).
# Every result is {task, metric, value, stderr, samples, source, measured}; a missing field is null.
package ailm.lib.genai

import data.ailm.lib
import rego.v1

# The version judged. A measured record counts for it only when its collector tied it to that version (the
# version setting): an evaluation of another revision, or of none named, says nothing about this one.
subject_version := lib.get(object.get(input, "subject", null), "version")

of_this_version(e) if {
	is_string(subject_version)
	lib.get(e.data, "model_version") == subject_version
}

all_evals := lib.records("inspect_eval")

evals := [e | some e in all_evals; of_this_version(e)]

version_of(e) := sprintf("version %s", [v]) if {
	v := lib.get(e.data, "model_version")
	is_string(v)
}

version_of(e) := "not tied to a version: the collector's version setting" if {
	not is_string(lib.get(e.data, "model_version"))
}

# A record's place in time (its field holding one); "" when it is not text, so that both engines order the
# records the same way.
stamp(e, field) := s if {
	s := lib.get(e.data, field)
	is_string(s)
} else := ""

# The tasks a measured record holds: an Inspect log's one task, an lm-eval file's tasks.
tasks_of(e) := {t | t := lib.get(e.data, "task"); is_string(t)} | {t | some x in lib.list(lib.get(e.data, "tasks")); t := lib.get(x, "task"); is_string(t)}

# The latest of the records that hold a task (by the time in their field, ties broken by id).
latest_of(recs, task, field) := [e |
	some e in recs
	task in tasks_of(e)
	every other in [o | some o in recs; task in tasks_of(o)] {
		[stamp(other, field), other.id] <= [stamp(e, field), e.id]
	}
][0]

tasks_run := {t | some e in evals; some t in tasks_of(e)}

# The latest log of a task, by its creation (Inspect writes it for every log, run or not).
latest(task) := latest_of(evals, task, "created_at")

# A log that evaluated the whole dataset, as its collector found (a record that does not say so is not one).
complete_log(e) if {
	lib.get(e.data, "complete") == true
	lib.get(e.data, "status") == "success"
}

complete_evals := [e | some e in evals; complete_log(e)]

inspect_results := [{"task": task, "metric": name, "value": lib.get(r, "value"), "stderr": lib.get(r, "stderr"), "samples": lib.get(r, "samples"), "source": e.id, "measured": true} |
	some task in {t | some c in complete_evals; some t in tasks_of(c)}
	e := latest_of(complete_evals, task, "created_at")
	some r in lib.list(lib.get(e.data, "results"))
	some name in lib.list(lib.get(r, "names"))
]

all_lm_runs := lib.records("lm_eval_run")

lm_runs := [e | some e in all_lm_runs; of_this_version(e)]

# A task of an lm-eval run that evaluated the task's whole dataset.
lm_complete(x) if lib.get(x, "complete") == true

# The runs that evaluated a task whole.
lm_complete_runs(task) := [e |
	some e in lm_runs
	some x in lib.list(lib.get(e.data, "tasks"))
	lib.get(x, "task") == task
	lm_complete(x)
]

lm_results := [{"task": task, "metric": name, "value": lib.get(m, "value"), "stderr": lib.get(m, "stderr"), "samples": lib.get(x, "samples"), "source": e.id, "measured": true} |
	some task in {t | some e in lm_runs; some t in tasks_of(e)}
	e := latest_of(lm_complete_runs(task), task, "ran_at")
	some x in lib.list(lib.get(e.data, "tasks"))
	lib.get(x, "task") == task
	some m in lib.list(lib.get(x, "metrics"))
	some name in lib.list(lib.get(m, "names"))
]

# The runs of a task that evaluated only part of its dataset (a --limit or --sample-id run, samples not
# completed or not scored), as "id (why)": Inspect logs that succeeded (a log that did not is GEN-001's own
# finding) and lm-eval runs. Never a result; shown beside the one decided on.
partial_runs(task) := array.concat(
	[sprintf("%s (%s)", [e.id, why(lib.get(e.data, "incomplete"))]) |
		some e in evals
		task in tasks_of(e)
		lib.get(e.data, "status") == "success"
		not complete_log(e)
	],
	[sprintf("%s (%s)", [e.id, why(lib.get(x, "incomplete"))]) |
		some e in lm_runs
		some x in lib.list(lib.get(e.data, "tasks"))
		lib.get(x, "task") == task
		not lm_complete(x)
	],
)

why(reasons) := concat("; ", [r | some r in reasons; is_string(r)]) if {
	is_array(reasons)
	count(reasons) > 0
} else := "not recorded as a complete run"

# Measured records of other versions, or of none, as "id (version 2)" for a message.
elsewhere := array.concat(
	[sprintf("%s (%s)", [log.id, version_of(log)]) | some log in all_evals; not of_this_version(log)],
	[sprintf("%s (%s)", [run.id, version_of(run)]) | some run in all_lm_runs; not of_this_version(run)],
)

measured_ids := array.concat([e.id | some e in all_evals], [e.id | some e in all_lm_runs])

# Measured results exist, and none is of this version.
version_gap := msg if {
	count(elsewhere) > 0
	count(evals) == 0
	count(lm_runs) == 0
	msg := sprintf("no Inspect log or lm-eval result is of this model version (%s): %s", [lib.label(subject_version), concat(", ", elsewhere)])
}

harness_results := [{"task": lib.get(r, "task"), "metric": lib.get(r, "metric"), "value": lib.get(r, "value"), "stderr": lib.get(r, "stderr"), "samples": lib.get(r, "samples"), "source": input.evidence.gen_eval.id, "measured": false} |
	some r in lib.list(lib.get(lib.data_of("gen_eval"), "results"))
]

card_results := [{"task": lib.get(r, "dataset"), "metric": lib.get(r, "metric"), "value": lib.get(r, "value"), "stderr": null, "samples": null, "source": input.evidence.model_card.id, "measured": false} |
	some r in lib.list(lib.get(lib.data_of("model_card"), "eval_results"))
]

results := array.concat(array.concat(inspect_results, lm_results), array.concat(harness_results, card_results))

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
