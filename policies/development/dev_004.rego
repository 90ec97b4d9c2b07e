# METADATA
# title: Demographic parity ratio meets the four-fifths screen for every sensitive feature
# description: >-
#   For each sensitive feature named in the plan, the ratio of the lowest to the highest selection rate
#   between groups (fairlearn's demographic_parity_ratio on the evaluation split) must be at least 0.8.
#   The number ailm measured (evidence `fair`) is used where it exists; a ratio the training run logged
#   that disagrees with it by more than the tolerance is itself a finding. Without a measurement the run's
#   logged metric is used, with a warning. The four-fifths rule is a screening flag, not a legal test.
# custom:
#   id: DEV-004
#   severity: critical
#   stage: development
#   evidence: [plan, fair, run]
#   remediation: >-
#     Investigate the disparity (per-group rates, proxies), mitigate (reweighting, thresholds per group
#     where lawful, better data) and re-evaluate; or document a justified waiver.
#   frameworks:
#     eu_ai_act: ["Art. 10(2)(f)", "Art. 10(2)(g)", "Annex IV 2(g)"]
#     nist_ai_rmf: ["MEASURE 2.11"]
#     iso_42001: ["A.5.4", "A.7.4"]
package ailm.controls.development.dev_004

import data.ailm.lib
import rego.v1

plan := input.evidence.plan

sensitive := lib.list(lib.get(plan.data, "sensitive_features"))

fair := input.evidence.fair

run := input.evidence.run

dataset := lib.label(lib.at(fair.data, ["result", "dataset"]))

deny contains {"msg": lib.absent("plan"), "evidence": lib.absent_ids("plan")} if not lib.has("plan")

deny contains {"msg": "plan names no sensitive_features to assess fairness on", "evidence": [plan.id]} if {
	not lib.filled(lib.get(plan.data, "sensitive_features"))
}

deny contains {"msg": lib.not_a_list("plan.sensitive_features", v), "evidence": [plan.id]} if {
	v := lib.get(plan.data, "sensitive_features")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": "neither a fairness measurement (fair) nor a training run (run) to read fairness from", "evidence": lib.id_of("reg")} if {
	not lib.has("fair")
	not lib.has("run")
}

# ---- measured by ailm --------------------------------------------------------------------------------

deny contains {"msg": msg, "evidence": [plan.id, fair.id]} if {
	some f in sensitive
	not lib.fairness_of(fair.data, f)
	msg := sprintf("sensitive feature %s was not measured (not in the %s data)", [lib.label(f), dataset])
}

deny contains {"msg": msg, "evidence": [plan.id, fair.id]} if {
	some f in sensitive
	m := lib.fairness_of(fair.data, f)
	m.status != "measured"
	msg := sprintf("%s: %s: %s", [f, replace(lib.label(m.status), "_", " "), notes(m)])
}

deny contains {"msg": msg, "evidence": [plan.id, fair.id]} if {
	some f in sensitive
	m := lib.fairness_of(fair.data, f)
	m.status == "measured"
	lib.get(m, "demographic_parity_ratio") == null
	msg := sprintf("%s: demographic parity ratio undefined (%s)", [f, notes(m)])
}

deny contains {"msg": lib.not_a_number(sprintf("%s demographic_parity_ratio", [f]), ratio), "evidence": [plan.id, fair.id]} if {
	some f in sensitive
	m := lib.fairness_of(fair.data, f)
	ratio := lib.get(m, "demographic_parity_ratio")
	ratio != null
	not is_number(ratio)
}

deny contains {"msg": msg, "evidence": [plan.id, fair.id]} if {
	some f in sensitive
	m := lib.fairness_of(fair.data, f)
	is_number(m.demographic_parity_ratio)
	m.demographic_parity_ratio < lib.thresholds.four_fifths_ratio
	msg := sprintf("measured demographic parity ratio for %s is %s (%s), below %s", [f, lib.fmt(m.demographic_parity_ratio), lib.ci(m, "demographic_parity_ratio"), lib.fmt(lib.thresholds.four_fifths_ratio)])
}

deny contains {"msg": msg, "evidence": [fair.id, run.id]} if {
	some f in sensitive
	m := lib.fairness_of(fair.data, f)
	logged := lib.get(lib.get(run.data, "metrics"), metric(f))
	is_number(logged)
	is_number(m.demographic_parity_ratio)
	abs(logged - m.demographic_parity_ratio) > lib.thresholds.measured_tolerance
	msg := sprintf("the run logged %s = %s but ailm measured %s on the same split", [metric(f), lib.fmt(logged), lib.fmt(m.demographic_parity_ratio)])
}

deny contains {"msg": lib.not_a_number(sprintf("the run's %s", [metric(f)]), logged), "evidence": [run.id]} if {
	lib.has("fair")
	some f in sensitive
	logged := lib.get(lib.get(run.data, "metrics"), metric(f))
	logged != null
	not is_number(logged)
}

# ---- only what the training run logged ---------------------------------------------------------------

warn contains {"msg": "fairness was not measured by ailm; relying on the metrics the training run logged", "evidence": [run.id]} if {
	not lib.has("fair")
	run
}

deny contains {"msg": sprintf("no demographic parity ratio measured for %s (metric %s)", [lib.label(f), metric(f)]), "evidence": [plan.id, run.id]} if {
	not lib.has("fair")
	some f in sensitive
	not is_number(lib.get(lib.get(run.data, "metrics"), metric(f)))
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	not lib.has("fair")
	some f in sensitive
	ratio := lib.get(lib.get(run.data, "metrics"), metric(f))
	is_number(ratio)
	ratio < lib.thresholds.four_fifths_ratio
	msg := sprintf("demographic parity ratio for %s is %s, below %s", [f, lib.fmt(ratio), lib.fmt(lib.thresholds.four_fifths_ratio)])
}

metric(f) := sprintf("fairness.%s.demographic_parity_ratio", [lib.label(f)])

notes(m) := text if {
	text := concat("; ", [lib.label(n) | some n in lib.list(lib.get(m, "notes"))])
	text != ""
} else := "no reason recorded"
