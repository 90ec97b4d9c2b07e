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

drift := input.evidence.drift

result := lib.obj(lib.get(lib.data_of("drift"), "result"))

rows := lib.get(result, "current_rows")

alpha := lib.get(result, "bonferroni_alpha")

features := lib.list(lib.get(result, "features"))

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s: name a current sample under analysis.datasets.current", [lib.absent("drift")]), "evidence": [input.evidence.deployment.id]} if {
	lib.deployed
	not lib.has("drift")
}

deny contains {"msg": lib.not_a_number("drift current_rows", rows), "evidence": [drift.id]} if {
	lib.deployed
	not is_number(rows)
}

deny contains {"msg": "the drift record holds no features", "evidence": [drift.id]} if {
	lib.deployed
	count(features) == 0
}

small if rows <= lib.thresholds.ks_rows_max

# With few rows a significance test decides: the p-value against the Bonferroni alpha.
deny contains {"msg": lib.not_a_number("drift bonferroni_alpha", alpha), "evidence": [drift.id]} if {
	lib.deployed
	is_number(rows)
	small
	not is_number(alpha)
}

deny contains {"msg": lib.not_a_number(sprintf("drift p_value of %s", [lib.label(lib.get(f, "feature"))]), v), "evidence": [drift.id]} if {
	lib.deployed
	is_number(rows)
	small
	some f in features
	v := lib.get(f, "p_value")
	not is_number(v)
}

deny contains {"msg": msg, "evidence": [drift.id]} if {
	lib.deployed
	is_number(rows)
	small
	is_number(alpha)
	some f in features
	p := lib.get(f, "p_value")
	is_number(p)
	p < alpha
	msg := sprintf("%s drifted: %s p = %s below the Bonferroni alpha %s (%s current rows)", [lib.label(lib.get(f, "feature")), lib.label(lib.get(f, "test")), lib.fmt(p), lib.fmt(alpha), lib.fmt(rows)])
}

# With many rows every difference is significant: the size of the shift decides.
deny contains {"msg": lib.not_a_number(sprintf("drift js_distance (Jensen-Shannon distance) of %s", [lib.label(lib.get(f, "feature"))]), v), "evidence": [drift.id]} if {
	lib.deployed
	is_number(rows)
	not small
	some f in features
	v := lib.get(f, "js_distance")
	not is_number(v)
}

deny contains {"msg": msg, "evidence": [drift.id]} if {
	lib.deployed
	is_number(rows)
	not small
	some f in features
	d := lib.get(f, "js_distance")
	is_number(d)
	d >= lib.thresholds.distance_max
	msg := sprintf("%s drifted: Jensen-Shannon distance %s at or above %s (%s current rows)", [lib.label(lib.get(f, "feature")), lib.fmt(d), lib.fmt(lib.thresholds.distance_max), lib.fmt(rows)])
}
