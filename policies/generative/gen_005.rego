# METADATA
# title: Generative evaluation results statistically adequate for the threshold decision
# description: >-
#   A result that a plan task is held to must rest on enough samples, and its uncertainty must be small enough
#   to tell it from the threshold: at least gen_eval_samples_min scored samples, a standard error, and the
#   threshold outside the interval value +/- gen_eval_z standard errors on the side the result claims. A pass on
#   5 samples, or a result within noise of its threshold, is no evidence the threshold is met. Results from an
#   Inspect AI log or an lm-evaluation-harness results file carry both numbers (only a run that evaluated the
#   whole dataset is judged: a partial run is never the task's evaluation); a declared result must state
#   samples and stderr; a model card's model-index gives neither and fails.
# custom:
#   id: GEN-005
#   severity: high
#   stage: generative
#   evidence: [inspect_eval, lm_eval_run, gen_eval, model_card, plan, inventory, base_model]
#   remediation: >-
#     Evaluate on more samples (or more epochs) until the standard error separates the result from its
#     threshold, on the whole dataset; collect the Inspect logs or lm-eval results (collectors inspect, lm_eval),
#     or declare samples and stderr with each gen_eval result.
#   frameworks:
#     eu_ai_act: ["Art. 15(1)", "Art. 9(8)", "Annex IV 2(g)"]
#     nist_ai_rmf: ["MEASURE 2.3", "MEASURE 1.1", "MEASURE 2.13"]
#     iso_42001: ["A.6.2.4", "A.9.4"]
package ailm.controls.generative.gen_005

import data.ailm.lib
import data.ailm.lib.genai
import rego.v1

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

not_applicable contains "the plan declares no gen_tasks (GEN-001 fails for that)" if {
	lib.generative
	count(genai.tasks) == 0
}

# The results held to a threshold.
judged contains [t, r] if {
	lib.generative
	some t in genai.tasks
	r := genai.result(lib.get(t, "task"), lib.get(t, "metric"))
}

# No result, no adequacy: a task evaluated only in part (or not at all) is not adequately evaluated.
deny contains {"msg": msg, "evidence": array.concat([e.id | some e in genai.evals], [e.id | some e in genai.lm_runs])} if {
	lib.generative
	some t in genai.tasks
	not genai.result(lib.get(t, "task"), lib.get(t, "metric"))
	runs := genai.partial_runs(lib.get(t, "task"))
	msg := sprintf("%s: no result of a run over the whole dataset to judge%s", [name(t), partial_note(runs)])
}

partial_note(runs) := sprintf(" (a partial run is not one: %s)", [concat(", ", runs)]) if count(runs) > 0 else := ""

name(t) := sprintf("task %s (%s)", [lib.label(lib.get(t, "task")), lib.label(lib.get(t, "metric"))])

deny contains {"msg": msg, "evidence": [r.source]} if {
	some [t, r] in judged
	not is_number(r.samples)
	msg := sprintf("%s: its adequacy cannot be judged: %s", [name(t), lib.not_a_number("the result's samples", r.samples)])
}

deny contains {"msg": msg, "evidence": [r.source]} if {
	some [t, r] in judged
	is_number(r.samples)
	r.samples < lib.thresholds.gen_eval_samples_min
	msg := sprintf("%s: evaluated on %s samples, fewer than %s", [name(t), lib.fmt(r.samples), lib.fmt(lib.thresholds.gen_eval_samples_min)])
}

deny contains {"msg": msg, "evidence": [r.source]} if {
	some [t, r] in judged
	not is_number(r.stderr)
	msg := sprintf("%s: its adequacy cannot be judged: %s", [name(t), lib.not_a_number("the result's stderr", r.stderr)])
}

deny contains {"msg": msg, "evidence": [r.source]} if {
	some [t, r] in judged
	is_number(r.stderr)
	r.stderr < 0
	msg := sprintf("%s: the standard error %s is negative", [name(t), lib.fmt(r.stderr)])
}

# Met, but within noise: the interval reaches the threshold.
deny contains {"msg": msg, "evidence": [r.source, input.evidence.plan.id]} if {
	some [t, r] in judged
	is_number(r.value)
	is_number(r.stderr)
	r.stderr >= 0
	is_number(lib.get(t, "threshold"))
	genai.meets(r.value, t)
	margin := lib.thresholds.gen_eval_z * r.stderr
	not genai.meets(bound(r.value, margin, t), t)
	msg := sprintf("%s: %s +/- %s (%s standard errors of %s, %s samples) reaches the threshold %s: the evaluation cannot tell the result from it", [name(t), lib.fmt(r4(r.value)), lib.fmt(r4(margin)), lib.fmt(lib.thresholds.gen_eval_z), lib.fmt(r4(r.stderr)), lib.label(r.samples), lib.fmt(t.threshold)])
}

# The end of the interval nearest the threshold.
bound(v, margin, t) := v - margin if object.get(t, "direction", "min") == "min"

bound(v, margin, t) := v + margin if t.direction == "max"

r4(x) := round(x * 10000) / 10000
