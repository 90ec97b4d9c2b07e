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

deny contains {"msg": sprintf("%s (and no model card evaluation results)", [lib.absent("gen_eval")]), "evidence": lib.absent_ids("gen_eval")} if {
	lib.generative
	not input.evidence.gen_eval
	count(card_results) == 0
}

# A model card's model-index results count as evaluation results of the harness that made them.
card_results := [{"task": r.dataset, "metric": r.metric, "value": r.value, "source": input.evidence.model_card.id} |
	some r in object.get(lib.data_of("model_card"), "eval_results", [])
]

results := array.concat(
	[object.union(r, {"source": input.evidence.gen_eval.id}) | some r in object.get(lib.data_of("gen_eval"), "results", [])],
	card_results,
)

deny contains {"msg": sprintf("gen_eval declares no %s", [f]), "evidence": [e.id]} if {
	lib.generative
	e := input.evidence.gen_eval
	some f in lib.unfilled(e, ["harness", "harness_version", "ran_at", "results"])
}

deny contains {"msg": "plan declares no gen_tasks to evaluate against", "evidence": lib.id_of("plan")} if {
	lib.generative
	not lib.filled(object.get(lib.data_of("plan"), "gen_tasks", null))
}

# The harness's result when both sources give one (gen_eval comes first in results).
result(task, metric) := matches[0] if {
	matches := [r | some r in results; r.task == task; r.metric == metric]
	count(matches) > 0
}

deny contains {"msg": sprintf("task %s (%s) has no evaluation result", [t.task, t.metric]), "evidence": array.concat(lib.id_of("gen_eval"), lib.id_of("model_card"))} if {
	lib.generative
	some t in lib.data_of("plan").gen_tasks
	not result(t.task, t.metric)
}

deny contains {"msg": msg, "evidence": [r.source, input.evidence.plan.id]} if {
	lib.generative
	some t in lib.data_of("plan").gen_tasks
	r := result(t.task, t.metric)
	not meets(r.value, t)
	msg := sprintf("task %s: %s = %v does not meet the threshold %v", [t.task, t.metric, r.value, t.threshold])
}

meets(v, t) if {
	object.get(t, "direction", "min") == "min"
	v >= t.threshold
}

meets(v, t) if {
	t.direction == "max"
	v <= t.threshold
}
