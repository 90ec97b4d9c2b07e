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

deny contains {"msg": lib.absent("plan"), "evidence": lib.absent_ids("plan")} if not input.evidence.plan

deny contains {"msg": "plan names no sensitive_features to assess fairness on", "evidence": [plan.id]} if {
	plan := input.evidence.plan
	not lib.filled(object.get(plan.data, "sensitive_features", null))
}

deny contains {"msg": "neither a fairness measurement (fair) nor a training run (run) to read fairness from", "evidence": lib.id_of("reg")} if {
	not input.evidence.fair
	not input.evidence.run
}

# ---- measured by ailm --------------------------------------------------------------------------------

deny contains {"msg": msg, "evidence": [plan.id, fair.id]} if {
	plan := input.evidence.plan
	fair := input.evidence.fair
	some f in plan.data.sensitive_features
	not lib.fairness_of(fair, f)
	msg := sprintf("sensitive feature %s was not measured (not in the %s data)", [f, fair.data.result.dataset])
}

deny contains {"msg": msg, "evidence": [plan.id, fair.id]} if {
	plan := input.evidence.plan
	fair := input.evidence.fair
	some f in plan.data.sensitive_features
	m := lib.fairness_of(fair, f)
	m.status != "measured"
	msg := sprintf("%s: %s: %s", [f, replace(m.status, "_", " "), concat("; ", m.notes)])
}

deny contains {"msg": msg, "evidence": [plan.id, fair.id]} if {
	plan := input.evidence.plan
	fair := input.evidence.fair
	some f in plan.data.sensitive_features
	m := lib.fairness_of(fair, f)
	m.status == "measured"
	m.demographic_parity_ratio == null
	msg := sprintf("%s: demographic parity ratio undefined (%s)", [f, concat("; ", m.notes)])
}

deny contains {"msg": msg, "evidence": [plan.id, fair.id]} if {
	plan := input.evidence.plan
	fair := input.evidence.fair
	some f in plan.data.sensitive_features
	m := lib.fairness_of(fair, f)
	is_number(m.demographic_parity_ratio)
	m.demographic_parity_ratio < lib.thresholds.four_fifths_ratio
	msg := sprintf("measured demographic parity ratio for %s is %v (%s), below %v", [f, m.demographic_parity_ratio, lib.ci(m, "demographic_parity_ratio"), lib.thresholds.four_fifths_ratio])
}

deny contains {"msg": msg, "evidence": [fair.id, run.id]} if {
	fair := input.evidence.fair
	run := input.evidence.run
	some f in input.evidence.plan.data.sensitive_features
	m := lib.fairness_of(fair, f)
	logged := run.data.metrics[metric(f)]
	is_number(m.demographic_parity_ratio)
	abs(logged - m.demographic_parity_ratio) > lib.thresholds.measured_tolerance
	msg := sprintf("the run logged %s = %v but ailm measured %v on the same split", [metric(f), logged, m.demographic_parity_ratio])
}

# ---- only what the training run logged ---------------------------------------------------------------

warn contains {"msg": "fairness was not measured by ailm; relying on the metrics the training run logged", "evidence": [run.id]} if {
	not input.evidence.fair
	run := input.evidence.run
}

deny contains {"msg": sprintf("no demographic parity ratio measured for %s (metric %s)", [f, key]), "evidence": [plan.id, run.id]} if {
	not input.evidence.fair
	plan := input.evidence.plan
	run := input.evidence.run
	some f in plan.data.sensitive_features
	key := metric(f)
	not is_number(run.data.metrics[key])
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	not input.evidence.fair
	plan := input.evidence.plan
	run := input.evidence.run
	some f in plan.data.sensitive_features
	ratio := run.data.metrics[metric(f)]
	ratio < lib.thresholds.four_fifths_ratio
	msg := sprintf("demographic parity ratio for %s is %v, below %v", [f, ratio, lib.thresholds.four_fifths_ratio])
}

metric(f) := sprintf("fairness.%s.demographic_parity_ratio", [f])
