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

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "run"]
	not input.evidence[role]
}

deny contains {"msg": sprintf("plan declares no %s", [f]), "evidence": [plan.id]} if {
	plan := input.evidence.plan
	some f in lib.unfilled(plan, ["design_choices", "baseline"])
}

deny contains {"msg": sprintf("the baseline has no %s", [f]), "evidence": [plan.id]} if {
	plan := input.evidence.plan
	some f in ["metric", "value"]
	not lib.filled(object.get(object.get(plan.data, "baseline", {}), f, null))
}

deny contains {"msg": sprintf("baseline metric %s was not logged by run %s", [b.metric, run.data.run_id]), "evidence": [plan.id, run.id]} if {
	plan := input.evidence.plan
	run := input.evidence.run
	b := plan.data.baseline
	not is_number(run.data.metrics[b.metric])
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	plan := input.evidence.plan
	run := input.evidence.run
	b := plan.data.baseline
	value := run.data.metrics[b.metric]
	value < b.value
	msg := sprintf("%s = %v is below the documented baseline %v", [b.metric, value, b.value])
}
