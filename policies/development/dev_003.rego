# METADATA
# title: Every declared success metric meets its threshold on the test set
# description: >-
#   Each success metric the plan declares is measured by ailm from the registered model on the split its
#   name says (test_recall: the test split), with an interval, and must meet its threshold; the threshold
#   must have been defined before the run started, so that it was not chosen after seeing the result. The
#   number the training run logged is a claim: one that disagrees with the measurement by more than
#   measured_tolerance is a finding of its own, and a logged number ailm could not measure never satisfies
#   this control on its own. A training run that is deleted in the tracking store is not the run of record.
# custom:
#   id: DEV-003
#   severity: critical
#   stage: development
#   evidence: [plan, run, perf]
#   remediation: >-
#     Declare plan.success_metrics as a list of {metric, threshold, direction (min|max), defined_at} with
#     metric names ailm measures (<split>_<metric>: test_recall, test_roc_auc, ...); give the audit an
#     analysis block so that the registered model is measured on its test split; log the same numbers in the
#     training run; improve the model or revisit the plan.
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

perf := lib.rec("perf")

# ailm's own measurement of a declared metric ({status, value, ci, split, reason}), or null.
measured(m) := lib.at(perf, ["data", "result", "metrics", lib.get(m, "metric")])

measured_value(m) := v if {
	lib.get(measured(m), "status") == "measured"
	v := lib.get(measured(m), "value")
	is_number(v)
} else := null

# Why a declared metric has no measurement ailm can judge on.
unmeasured(m) := "ailm measured nothing (evidence 'perf' is missing: give the audit an analysis block)" if {
	not lib.has("perf")
} else := sprintf("ailm's measurement does not name it (%s)", [perf.id]) if {
	measured(m) == null
} else := sprintf("%s: %s", [lib.label(lib.get(measured(m), "status")), lib.label(lib.get(measured(m), "reason"))]) if {
	not is_number(measured_value(m))
}

interval(meas) := sprintf("CI %s-%s", [lib.fmt(lo), lib.fmt(hi)]) if {
	[lo, hi] := lib.get(meas, "ci")
	is_number(lo)
	is_number(hi)
} else := "no interval"

measured_on(m) := sprintf("measured by ailm on the %s split, %s", [lib.label(lib.get(measured(m), "split")), interval(measured(m))])

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "run"]
	not lib.has(role)
}

# A run in MLflow's trash is not the training run of record: what it logged, and when it started, are not
# evidence for the version it registered (DEV-001 names it too, at its own severity).
deny contains {"msg": msg, "evidence": [run.id]} if {
	stage := lib.get(run.data, "lifecycle_stage")
	stage != null
	stage != "active"
	msg := sprintf("training run %s is %s in the tracking store: it is not the training run of record, and its logged metrics and start time are not evidence", [run_name, lib.label(stage)])
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

deny contains {"msg": msg, "evidence": [plan.id, perf.id]} if {
	some m in metrics
	value := measured_value(m)
	is_number(value)
	is_number(m.threshold)
	not meets(value, m)
	msg := sprintf("%s = %s (%s) does not meet the declared %s threshold %s", [m.metric, lib.fmt(value), measured_on(m), lib.label(direction(m)), lib.fmt(m.threshold)])
}

deny contains {"msg": msg, "evidence": [plan.id, run.id, perf.id]} if {
	some m in metrics
	value := measured_value(m)
	is_number(value)
	claim := logged(m)
	is_number(claim)
	abs(claim - value) > lib.thresholds.measured_tolerance
	msg := sprintf("%s logged by run %s as %s disagrees with ailm's measurement %s (%s), by more than %s", [m.metric, run_name, lib.fmt(claim), lib.fmt(value), measured_on(m), lib.fmt(lib.thresholds.measured_tolerance)])
}

deny contains {"msg": lib.not_a_number(sprintf("the value ailm measured for %s (%s)", [m.metric, perf.id]), v), "evidence": [plan.id, perf.id]} if {
	some m in metrics
	lib.get(measured(m), "status") == "measured"
	v := lib.get(measured(m), "value")
	not is_number(v)
}

deny contains {"msg": lib.not_a_number(sprintf("%s logged by run %s", [m.metric, run_name]), claim), "evidence": [plan.id, run.id]} if {
	some m in metrics
	claim := logged(m)
	claim != null
	not is_number(claim)
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	some m in metrics
	is_string(lib.get(m, "metric"))
	not is_number(measured_value(m))
	claim := logged(m)
	is_number(claim)
	msg := sprintf("%s = %s is logged by run %s, not measured (%s): a logged number cannot alone satisfy this critical control", [m.metric, lib.fmt(claim), run_name, unmeasured(m)])
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	some m in metrics
	is_string(lib.get(m, "metric"))
	not is_number(measured_value(m))
	logged(m) == null
	msg := sprintf("success metric %s was neither measured by ailm (%s) nor logged by run %s", [m.metric, unmeasured(m), run_name])
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
