# METADATA
# title: Generative model evaluated by a harness on declared tasks, meeting its thresholds
# description: >-
#   A generative model must have evaluation results for this version from an evaluation harness (for
#   example lm-evaluation-harness, HELM) or its model card's model-index, covering every task the plan
#   declares, each meeting its declared threshold. Measured runs are preferred: with Inspect AI logs (evidence
#   inspect_eval) the latest complete log of each task is the result, and a latest log that did not succeed
#   fails; then lm-evaluation-harness results files (evidence lm_eval_run), the latest that evaluated the task
#   whole. A partial run (--limit, --sample-id, samples not completed or not scored) is never the task's
#   evaluation and never supersedes a complete one: it is shown beside the result as a warning.
# custom:
#   id: GEN-001
#   severity: high
#   stage: generative
#   evidence: [inspect_eval, lm_eval_run, gen_eval, model_card, plan, inventory, base_model]
#   remediation: >-
#     Run the plan's tasks with Inspect AI or lm-evaluation-harness and collect what they write (collectors
#     inspect, lm_eval); or declare gen_eval with
#     harness, harness_version, ran_at and results (task, metric, value), or collect the model card whose
#     model-index holds them; declare plan.gen_tasks (task, metric, threshold, direction).
#   frameworks:
#     eu_ai_act: ["Art. 15(1)", "Art. 53(1)(a)", "Annex XI 1(2)"]
#     nist_ai_rmf: ["MEASURE 2.3", "MEASURE 2.5"]
#     iso_42001: ["A.6.2.4"]
package ailm.controls.generative.gen_001

import data.ailm.lib
import data.ailm.lib.genai
import rego.v1

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

tasks := genai.tasks

deny contains {"msg": sprintf("%s (and no Inspect log, lm-eval results or model card evaluation results)", [lib.absent("gen_eval")]), "evidence": lib.absent_ids("gen_eval")} if {
	lib.generative
	not lib.has("gen_eval")
	count(genai.card_results) == 0
	count(genai.all_evals) == 0
	count(genai.all_lm_runs) == 0
}

deny contains {"msg": msg, "evidence": genai.measured_ids} if {
	lib.generative
	msg := genai.version_gap
	is_string(msg)
}

# The latest Inspect log of a task must be a run that finished: a failed or cancelled run is no result.
deny contains {"msg": msg, "evidence": [e.id]} if {
	lib.generative
	some task in genai.tasks_run
	e := genai.latest(task)
	status := lib.get(e.data, "status")
	status != "success"
	msg := sprintf("the latest Inspect evaluation of task %s ended with status %s%s", [task, lib.label(status), error_text(e)])
}

error_text(e) := sprintf(" (%s)", [err]) if {
	err := lib.get(e.data, "error")
	is_string(err)
} else := ""

deny contains {"msg": sprintf("gen_eval declares no %s", [f]), "evidence": [e.id]} if {
	lib.generative
	e := input.evidence.gen_eval
	some f in lib.unfilled(e, ["harness", "harness_version", "ran_at", "results"])
}

deny contains {"msg": "plan declares no gen_tasks to evaluate against", "evidence": lib.id_of("plan")} if {
	lib.generative
	not lib.filled(lib.get(lib.data_of("plan"), "gen_tasks"))
}

deny contains {"msg": lib.not_a_list("plan.gen_tasks", v), "evidence": lib.id_of("plan")} if {
	lib.generative
	v := lib.get(lib.data_of("plan"), "gen_tasks")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": lib.not_a_number(sprintf("gen task %s threshold", [task_name(t)]), v), "evidence": lib.id_of("plan")} if {
	lib.generative
	some t in tasks
	v := lib.get(t, "threshold")
	not is_number(v)
}

deny contains {"msg": sprintf("task %s (%s) has no evaluation result%s", [task_name(t), lib.label(lib.get(t, "metric")), partial_note(lib.get(t, "task"))]), "evidence": sources} if {
	lib.generative
	some t in tasks
	not genai.result(lib.get(t, "task"), lib.get(t, "metric"))
	measured := array.concat([e.id | some e in genai.evals], [e.id | some e in genai.lm_runs])
	sources := array.concat(measured, array.concat(lib.id_of("gen_eval"), lib.id_of("model_card")))
}

deny contains {"msg": lib.not_a_number(sprintf("task %s %s result value", [task_name(t), lib.label(lib.get(t, "metric"))]), r.value), "evidence": [r.source, input.evidence.plan.id]} if {
	lib.generative
	some t in tasks
	r := genai.result(lib.get(t, "task"), lib.get(t, "metric"))
	not is_number(r.value)
}

deny contains {"msg": msg, "evidence": [r.source, input.evidence.plan.id]} if {
	lib.generative
	some t in tasks
	r := genai.result(lib.get(t, "task"), lib.get(t, "metric"))
	is_number(r.value)
	is_number(lib.get(t, "threshold"))
	not genai.meets(r.value, t)
	msg := sprintf("task %s: %s = %s does not meet the threshold %s", [task_name(t), lib.label(t.metric), lib.fmt(r.value), lib.fmt(t.threshold)])
}

task_name(t) := lib.label(lib.get(t, "task"))

partial_note(task) := sprintf(" (a partial run is not one: %s)", [concat(", ", runs)]) if {
	runs := genai.partial_runs(task)
	count(runs) > 0
} else := ""

# A partial run beside the result decided on: shown, never taken for it.
warn contains {"msg": msg, "evidence": [r.source]} if {
	lib.generative
	some t in tasks
	r := genai.result(lib.get(t, "task"), lib.get(t, "metric"))
	runs := genai.partial_runs(lib.get(t, "task"))
	count(runs) > 0
	msg := sprintf("task %s: judged on %s; partial runs beside it, not its evaluation: %s", [task_name(t), r.source, concat(", ", runs)])
}
