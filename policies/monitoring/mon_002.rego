# METADATA
# title: No significant distribution drift by statistical test
# description: >-
#   Each feature's current distribution is compared with training. With at most ks_rows_max current rows
#   the decision rests on the test (Kolmogorov-Smirnov or chi-square) at a Bonferroni-corrected alpha;
#   above that, tests flag trivial shifts, so an effect size decides: a Jensen-Shannon distance between the
#   binned (or per-category) distributions at distance_max or more is drift.
# custom:
#   id: MON-002
#   severity: medium
#   stage: monitoring
#   evidence: [drift]
#   remediation: >-
#     Investigate the drifting features; retrain or recalibrate on recent data, or document why the shift is
#     harmless.
#   frameworks:
#     eu_ai_act: ["Art. 72(2)"]
#     nist_ai_rmf: ["MEASURE 2.4"]
#     iso_42001: ["A.6.2.6"]
package ailm.controls.monitoring.mon_002

import data.ailm.lib
import rego.v1

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s: name a current sample under analysis.datasets.current", [lib.absent("drift")]), "evidence": [input.evidence.deployment.id]} if {
	lib.deployed
	not input.evidence.drift
}

drift := input.evidence.drift.data.result

small if drift.current_rows <= lib.thresholds.ks_rows_max

deny contains {"msg": msg, "evidence": [input.evidence.drift.id]} if {
	small
	some f in drift.features
	f.p_value < drift.bonferroni_alpha
	msg := sprintf("%s drifted: %s p = %v below the Bonferroni alpha %v (%v current rows)", [f.feature, f.test, f.p_value, drift.bonferroni_alpha, drift.current_rows])
}

deny contains {"msg": msg, "evidence": [input.evidence.drift.id]} if {
	not small
	some f in drift.features
	f.js_distance >= lib.thresholds.distance_max
	msg := sprintf("%s drifted: Jensen-Shannon distance %v at or above %v (%v current rows)", [f.feature, f.js_distance, lib.thresholds.distance_max, drift.current_rows])
}
