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
#   evidence: [gen_eval, plan, inventory, base_model]
#   remediation: >-
#     Declare gen_eval with harness, harness_version, ran_at and results (task, metric, value); declare
#     plan.gen_tasks (task, metric, threshold, direction).
#   frameworks:
#     eu_ai_act: ["Art. 15(1)", "Art. 53(1)(a)", "Annex XI 1(2)"]
#     nist_ai_rmf: ["MEASURE 2.3", "MEASURE 2.5"]
#     iso_42001: ["A.6.2.4"]
package ailm.controls.generative.gen_001

import data.ailm.lib
import rego.v1

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

deny contains {"msg": lib.absent("gen_eval"), "evidence": lib.absent_ids("gen_eval")} if {
	lib.generative
	not input.evidence.gen_eval
}

deny contains {"msg": sprintf("gen_eval declares no %s", [f]), "evidence": [e.id]} if {
	lib.generative
	e := input.evidence.gen_eval
	some f in lib.unfilled(e, ["harness", "harness_version", "ran_at", "results"])
}

deny contains {"msg": "plan declares no gen_tasks to evaluate against", "evidence": lib.id_of("plan")} if {
	lib.generative
	not lib.filled(object.get(lib.data_of("plan"), "gen_tasks", null))
}

result(task, metric) := r if {
	some r in input.evidence.gen_eval.data.results
	r.task == task
	r.metric == metric
}

deny contains {"msg": sprintf("task %s (%s) has no evaluation result", [t.task, t.metric]), "evidence": [input.evidence.gen_eval.id]} if {
	lib.generative
	some t in lib.data_of("plan").gen_tasks
	not result(t.task, t.metric)
}

deny contains {"msg": msg, "evidence": [input.evidence.gen_eval.id, input.evidence.plan.id]} if {
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
