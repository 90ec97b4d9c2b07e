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

plan := input.evidence.plan

run := input.evidence.run

metrics := lib.list(lib.get(plan.data, "success_metrics"))

run_name := lib.label(lib.get(run.data, "run_id"))

logged(m) := lib.get(lib.get(run.data, "metrics"), lib.get(m, "metric"))

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "run"]
	not lib.has(role)
}

deny contains {"msg": "plan declares no success_metrics", "evidence": [plan.id]} if {
	not lib.filled(lib.get(plan.data, "success_metrics"))
}

deny contains {"msg": lib.not_a_list("plan.success_metrics", v), "evidence": [plan.id]} if {
	v := lib.get(plan.data, "success_metrics")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": sprintf("success metric %d names no metric", [i + 1]), "evidence": [plan.id]} if {
	some i, m in metrics
	not is_string(lib.get(m, "metric"))
}

deny contains {"msg": lib.not_a_number(sprintf("success metric %s threshold", [name(i, m)]), v), "evidence": [plan.id]} if {
	some i, m in metrics
	v := lib.get(m, "threshold")
	not is_number(v)
}

deny contains {"msg": sprintf("success metric %s direction is %s, not min or max", [name(i, m), lib.label(direction(m))]), "evidence": [plan.id]} if {
	some i, m in metrics
	not direction(m) in {"min", "max"}
}

deny contains {"msg": sprintf("success metric %s was not measured by run %s", [name(i, m), run_name]), "evidence": [plan.id, run.id]} if {
	some i, m in metrics
	is_string(lib.get(m, "metric"))
	not is_number(logged(m))
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	some m in metrics
	value := logged(m)
	is_number(value)
	is_number(m.threshold)
	not meets(value, m)
	msg := sprintf("%s = %s does not meet the declared %s threshold %s", [m.metric, lib.fmt(value), lib.label(direction(m)), lib.fmt(m.threshold)])
}

deny contains {"msg": sprintf("success metric %s has no defined_at", [name(i, m)]), "evidence": [plan.id]} if {
	some i, m in metrics
	not lib.filled(lib.get(m, "defined_at"))
}

deny contains {"msg": lib.not_a_date(sprintf("success metric %s defined_at", [name(i, m)]), v), "evidence": [plan.id]} if {
	some i, m in metrics
	v := lib.get(m, "defined_at")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.not_a_date(sprintf("training run %s started_at", [run_name]), v), "evidence": [run.id]} if {
	count(metrics) > 0
	v := lib.get(run.data, "started_at")
	not lib.is_date(v)
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	some i, m in metrics
	lib.ns(m.defined_at) >= lib.ns(run.data.started_at)
	msg := sprintf("threshold for %s was defined at %s, not before run %s started at %s", [name(i, m), m.defined_at, run_name, run.data.started_at])
}

name(i, m) := m.metric if is_string(lib.get(m, "metric")) else := format_int(i + 1, 10)

direction(m) := object.get(lib.obj(m), "direction", "min")

meets(value, m) if {
	direction(m) == "min"
	value >= m.threshold
}

meets(value, m) if {
	direction(m) == "max"
	value <= m.threshold
}
