# METADATA
# title: Generative model evaluated by a harness on declared tasks, meeting its thresholds
# description: >-
#   A generative model must have evaluation results for this version from an evaluation harness (for
#   example lm-evaluation-harness, HELM) or its model card's model-index, covering every task the plan
#   declares, each meeting its declared threshold.
# custom:
#   id: GEN-001
#   severity: high
#   stage: generative
#   evidence: [gen_eval, model_card, plan, inventory, base_model]
#   remediation: >-
#     Declare gen_eval with harness, harness_version, ran_at and results (task, metric, value), or collect
#     the model card whose model-index holds them; declare plan.gen_tasks (task, metric, threshold, direction).
#   frameworks:
#     eu_ai_act: ["Art. 15(1)", "Art. 53(1)(a)", "Annex XI 1(2)"]
#     nist_ai_rmf: ["MEASURE 2.3", "MEASURE 2.5"]
#     iso_42001: ["A.6.2.4"]
package ailm.controls.generative.gen_001

import data.ailm.lib
import rego.v1

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

tasks := lib.list(lib.get(lib.data_of("plan"), "gen_tasks"))

deny contains {"msg": sprintf("%s (and no model card evaluation results)", [lib.absent("gen_eval")]), "evidence": lib.absent_ids("gen_eval")} if {
	lib.generative
	not lib.has("gen_eval")
	count(card_results) == 0
}

# A model card's model-index results count as evaluation results of the harness that made them.
card_results := [{"task": lib.get(r, "dataset"), "metric": lib.get(r, "metric"), "value": lib.get(r, "value"), "source": input.evidence.model_card.id} |
	some r in lib.list(lib.get(lib.data_of("model_card"), "eval_results"))
]

harness_results := [{"task": lib.get(r, "task"), "metric": lib.get(r, "metric"), "value": lib.get(r, "value"), "source": input.evidence.gen_eval.id} |
	some r in lib.list(lib.get(lib.data_of("gen_eval"), "results"))
]

results := array.concat(harness_results, card_results)

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

# The harness's result when both sources give one (gen_eval comes first in results).
result(task, metric) := matches[0] if {
	matches := [r | some r in results; r.task == task; r.metric == metric]
	count(matches) > 0
}

deny contains {"msg": sprintf("task %s (%s) has no evaluation result", [task_name(t), lib.label(lib.get(t, "metric"))]), "evidence": array.concat(lib.id_of("gen_eval"), lib.id_of("model_card"))} if {
	lib.generative
	some t in tasks
	not result(lib.get(t, "task"), lib.get(t, "metric"))
}

deny contains {"msg": lib.not_a_number(sprintf("task %s %s result value", [task_name(t), lib.label(lib.get(t, "metric"))]), r.value), "evidence": [r.source, input.evidence.plan.id]} if {
	lib.generative
	some t in tasks
	r := result(lib.get(t, "task"), lib.get(t, "metric"))
	not is_number(r.value)
}

deny contains {"msg": msg, "evidence": [r.source, input.evidence.plan.id]} if {
	lib.generative
	some t in tasks
	r := result(lib.get(t, "task"), lib.get(t, "metric"))
	is_number(r.value)
	is_number(lib.get(t, "threshold"))
	not meets(r.value, t)
	msg := sprintf("task %s: %s = %s does not meet the threshold %s", [task_name(t), lib.label(t.metric), lib.fmt(r.value), lib.fmt(t.threshold)])
}

task_name(t) := lib.label(lib.get(t, "task"))

meets(v, t) if {
	object.get(t, "direction", "min") == "min"
	v >= t.threshold
}

meets(v, t) if {
	t.direction == "max"
	v <= t.threshold
}
