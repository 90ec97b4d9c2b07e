# METADATA
# title: Every declared success metric meets its threshold on the test set
# description: >-
#   Each success metric the plan declares must have been measured by the training run on the test split
#   and meet its threshold; the threshold must have been defined before the run started, so that it was
#   not chosen after seeing the result.
# custom:
#   id: DEV-003
#   severity: critical
#   stage: development
#   evidence: [plan, run]
#   remediation: >-
#     Declare plan.success_metrics as a list of {metric, threshold, direction (min|max), defined_at};
#     log each metric on the test split in the training run; improve the model or revisit the plan.
#   frameworks:
#     eu_ai_act: ["Art. 9(8)", "Art. 15(1)"]
#     nist_ai_rmf: ["MEASURE 2.3", "MEASURE 2.5", "MANAGE 1.1"]
#     iso_42001: ["A.6.2.4"]
package ailm.controls.development.dev_003

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "run"]
	not input.evidence[role]
}

deny contains {"msg": "plan declares no success_metrics", "evidence": [plan.id]} if {
	plan := input.evidence.plan
	not lib.filled(object.get(plan.data, "success_metrics", null))
}

deny contains {"msg": sprintf("success metric %s was not measured by run %s", [m.metric, run.data.run_id]), "evidence": [plan.id, run.id]} if {
	plan := input.evidence.plan
	run := input.evidence.run
	some m in plan.data.success_metrics
	not is_number(run.data.metrics[m.metric])
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	plan := input.evidence.plan
	run := input.evidence.run
	some m in plan.data.success_metrics
	value := run.data.metrics[m.metric]
	not meets(value, m)
	msg := sprintf("%s = %v does not meet the declared %s threshold %v", [m.metric, value, direction(m), m.threshold])
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	plan := input.evidence.plan
	run := input.evidence.run
	some m in plan.data.success_metrics
	lib.ns(m.defined_at) >= lib.ns(run.data.started_at)
	msg := sprintf("threshold for %s was defined at %s, not before run %s started at %s", [m.metric, m.defined_at, run.data.run_id, run.data.started_at])
}

deny contains {"msg": sprintf("success metric %s has no defined_at", [m.metric]), "evidence": [plan.id]} if {
	plan := input.evidence.plan
	some m in plan.data.success_metrics
	not lib.filled(object.get(m, "defined_at", null))
}

direction(m) := object.get(m, "direction", "min")

meets(value, m) if {
	direction(m) == "min"
	value >= m.threshold
}

meets(value, m) if {
	direction(m) == "max"
	value <= m.threshold
}
