# METADATA
# title: Design choices documented; the model beats its documented baseline
# description: >-
#   The design choices (model family, features, the alternatives weighed) must be documented, and the
#   primary metric logged by the training run must be at least the documented baseline's value.
# custom:
#   id: DEV-002
#   severity: medium
#   stage: development
#   evidence: [plan, run]
#   remediation: >-
#     Declare plan.design_choices (text or list) and plan.baseline with metric (a run metric name), value and
#     description; retrain or reconsider the approach if the model does not beat the baseline.
#   frameworks:
#     eu_ai_act: ["Annex IV 2(b)"]
#     nist_ai_rmf: ["MAP 2.1", "MANAGE 2.1"]
#     iso_42001: ["A.6.2.3"]
package ailm.controls.development.dev_002

import data.ailm.lib
import rego.v1

baseline := lib.get(lib.data_of("plan"), "baseline")

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "run"]
	not lib.has(role)
}

deny contains {"msg": sprintf("plan declares no %s", [f]), "evidence": [plan.id]} if {
	plan := input.evidence.plan
	some f in lib.unfilled(plan, ["design_choices", "baseline"])
}

deny contains {"msg": sprintf("the baseline has no %s", [f]), "evidence": [input.evidence.plan.id]} if {
	lib.filled(baseline)
	some f in ["metric", "value"]
	not lib.filled(lib.get(baseline, f))
}

deny contains {"msg": lib.not_a_number("plan.baseline.value", v), "evidence": [input.evidence.plan.id]} if {
	v := lib.get(baseline, "value")
	lib.filled(v)
	not is_number(v)
}

deny contains {"msg": sprintf("baseline metric %s was not logged by run %s", [lib.label(metric), lib.label(lib.get(run.data, "run_id"))]), "evidence": [input.evidence.plan.id, run.id]} if {
	run := input.evidence.run
	metric := lib.get(baseline, "metric")
	lib.filled(metric)
	not is_number(lib.get(lib.get(run.data, "metrics"), metric))
}

deny contains {"msg": msg, "evidence": [input.evidence.plan.id, run.id]} if {
	run := input.evidence.run
	value := lib.get(lib.get(run.data, "metrics"), baseline.metric)
	is_number(value)
	is_number(baseline.value)
	value < baseline.value
	msg := sprintf("%s = %s is below the documented baseline %s", [lib.label(baseline.metric), lib.fmt(value), lib.fmt(baseline.value)])
}
