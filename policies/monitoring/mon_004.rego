# METADATA
# title: Fairness recomputed in production still meets the development limits
# description: >-
#   For each production window, fairness per sensitive feature must still meet the four-fifths ratio
#   (DEV-004) and the parity and equalized-odds difference limits (DEV-005); a window whose smallest group
#   has fewer than group_n_min rows is insufficient evidence.
# custom:
#   id: MON-004
#   severity: critical
#   stage: monitoring
#   evidence: [production, deployment, plan]
#   remediation: >-
#     Declare production.windows[].fairness ({feature: {demographic_parity_ratio,
#     demographic_parity_difference, equalized_odds_difference, min_group_n}}) from monitoring (for example
#     ailm's fairness analyzer on the window's logged predictions with outcomes).
#   frameworks:
#     eu_ai_act: ["Art. 9(2)(c)", "Art. 72(2)"]
#     nist_ai_rmf: ["MEASURE 2.11", "MEASURE 3.1"]
#     iso_42001: ["A.6.2.6", "A.5.4"]
package ailm.controls.monitoring.mon_004

import data.ailm.lib
import rego.v1

not_applicable contains "the version has no declared deployment" if not lib.deployed

windows := object.get(lib.data_of("production"), "windows", [])

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("production")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("production"))} if {
	lib.deployed
	not input.evidence.production
}

deny contains {"msg": sprintf("production window ending %v has no fairness for %s", [w.end, f]), "evidence": [input.evidence.production.id]} if {
	some w in windows
	some f in object.get(lib.data_of("plan"), "sensitive_features", [])
	not object.get(object.get(w, "fairness", {}), f, null)
}

limits := [
	["demographic_parity_ratio", "min", lib.thresholds.four_fifths_ratio],
	["demographic_parity_difference", "max", lib.thresholds.demographic_parity_difference_max],
	["equalized_odds_difference", "max", lib.thresholds.equalized_odds_difference_max],
]

deny contains {"msg": msg, "evidence": [input.evidence.production.id]} if {
	some w in windows
	some f, m in object.get(w, "fairness", {})
	object.get(m, "min_group_n", 0) >= lib.thresholds.group_n_min
	some [name, dir, limit] in limits
	value := m[name]
	breaks(value, dir, limit)
	msg := sprintf("production window ending %v: %s %s = %v breaks the limit %v", [w.end, f, name, value, limit])
}

deny contains {"msg": msg, "evidence": [input.evidence.production.id]} if {
	some w in windows
	some f, m in object.get(w, "fairness", {})
	object.get(m, "min_group_n", 0) < lib.thresholds.group_n_min
	msg := sprintf("production window ending %v: smallest %s group has %v rows, too few to show fairness (insufficient evidence)", [w.end, f, object.get(m, "min_group_n", 0)])
}

breaks(v, "min", limit) if v < limit

breaks(v, "max", limit) if v > limit
