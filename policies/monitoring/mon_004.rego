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

production := input.evidence.production

windows := lib.list(lib.get(lib.data_of("production"), "windows"))

sensitive := lib.list(lib.get(lib.data_of("plan"), "sensitive_features"))

limits := [
	["demographic_parity_ratio", "min", lib.thresholds.four_fifths_ratio],
	["demographic_parity_difference", "max", lib.thresholds.demographic_parity_difference_max],
	["equalized_odds_difference", "max", lib.thresholds.equalized_odds_difference_max],
]

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("production")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("production"))} if {
	lib.deployed
	not lib.has("production")
}

deny contains {"msg": "production declares no evaluation windows to recompute fairness on", "evidence": [production.id]} if {
	lib.deployed
	count(windows) == 0
}

deny contains {"msg": sprintf("production window ending %s has no fairness for %s", [end(w), lib.label(f)]), "evidence": [production.id]} if {
	lib.deployed
	some w in windows
	some f in sensitive
	not is_object(lib.at(w, ["fairness", f]))
}

deny contains {"msg": lib.not_a_number(sprintf("production window ending %s: %s min_group_n", [end(w), f]), n), "evidence": [production.id]} if {
	lib.deployed
	some w in windows
	some f, m in lib.obj(lib.get(w, "fairness"))
	n := lib.get(m, "min_group_n")
	not is_number(n)
}

deny contains {"msg": lib.not_a_number(sprintf("production window ending %s: %s %s", [end(w), f, name]), value), "evidence": [production.id]} if {
	lib.deployed
	some w in windows
	some f, m in lib.obj(lib.get(w, "fairness"))
	some [name, _, _] in limits
	value := lib.get(m, name)
	not is_number(value)
}

deny contains {"msg": msg, "evidence": [production.id]} if {
	lib.deployed
	some w in windows
	some f, m in lib.obj(lib.get(w, "fairness"))
	n := lib.get(m, "min_group_n")
	is_number(n)
	n >= lib.thresholds.group_n_min
	some [name, dir, limit] in limits
	value := lib.get(m, name)
	is_number(value)
	breaks(value, dir, limit)
	msg := sprintf("production window ending %s: %s %s = %s breaks the limit %s", [end(w), f, name, lib.fmt(value), lib.fmt(limit)])
}

deny contains {"msg": msg, "evidence": [production.id]} if {
	lib.deployed
	some w in windows
	some f, m in lib.obj(lib.get(w, "fairness"))
	n := lib.get(m, "min_group_n")
	is_number(n)
	n < lib.thresholds.group_n_min
	msg := sprintf("production window ending %s: smallest %s group has %s rows, too few to show fairness (insufficient evidence)", [end(w), f, lib.fmt(n)])
}

deny contains {"msg": sprintf("%s: the sensitive features to recompute fairness for are unknown", [lib.absent("plan")]), "evidence": [production.id]} if {
	lib.deployed
	production
	not lib.has("plan")
}

end(w) := lib.label(lib.get(w, "end"))

breaks(v, "min", limit) if v < limit

breaks(v, "max", limit) if v > limit
