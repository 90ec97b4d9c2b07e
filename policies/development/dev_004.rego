# METADATA
# title: Demographic parity ratio meets the four-fifths screen for every sensitive feature
# description: >-
#   For each sensitive feature named in the plan, the ratio of the lowest to the highest selection rate
#   between groups (fairlearn's demographic_parity_ratio, on the test split) must be at least 0.8. The
#   four-fifths rule is a screening flag, not a legal test: a failure calls for investigation.
# custom:
#   id: DEV-004
#   severity: critical
#   stage: development
#   evidence: [plan, run]
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

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "run"]
	not input.evidence[role]
}

deny contains {"msg": "plan names no sensitive_features to assess fairness on", "evidence": [plan.id]} if {
	plan := input.evidence.plan
	not lib.filled(object.get(plan.data, "sensitive_features", null))
}

deny contains {"msg": sprintf("no demographic parity ratio measured for %s (metric %s)", [f, key]), "evidence": [plan.id, run.id]} if {
	plan := input.evidence.plan
	run := input.evidence.run
	some f in plan.data.sensitive_features
	key := metric(f)
	not is_number(run.data.metrics[key])
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	plan := input.evidence.plan
	run := input.evidence.run
	some f in plan.data.sensitive_features
	ratio := run.data.metrics[metric(f)]
	ratio < lib.thresholds.four_fifths_ratio
	msg := sprintf("demographic parity ratio for %s is %v, below %v", [f, ratio, lib.thresholds.four_fifths_ratio])
}

metric(f) := sprintf("fairness.%s.demographic_parity_ratio", [f])
