# METADATA
# title: Demographic parity and equalized odds differences within limits; small groups flagged
# description: >-
#   From ailm's fairness measurement (fairlearn on the evaluation split): for each sensitive feature named
#   in the plan, the demographic parity difference and the equalized odds difference must be at most 0.1.
#   A group with fewer rows than the minimum (30) is insufficient evidence: it is named in a warning, never
#   silently dropped. Intersections of the sensitive features are reported as warnings. The 0.1 limits are
#   practice, not a standard.
# custom:
#   id: DEV-005
#   severity: high
#   stage: development
#   evidence: [plan, fair]
#   remediation: >-
#     Find where the rates differ (per-group table in the report), mitigate and re-evaluate; collect more
#     data for groups with insufficient evidence before drawing conclusions about them.
#   frameworks:
#     eu_ai_act: ["Art. 10(2)(f)", "Art. 10(2)(g)", "Annex IV 2(g)"]
#     nist_ai_rmf: ["MEASURE 2.11"]
#     iso_42001: ["A.5.4"]
package ailm.controls.development.dev_005

import data.ailm.lib
import rego.v1

limits := {
	"demographic_parity_difference": lib.thresholds.demographic_parity_difference_max,
	"equalized_odds_difference": lib.thresholds.equalized_odds_difference_max,
}

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "fair"]
	not input.evidence[role]
}

deny contains {"msg": msg, "evidence": [plan.id, fair.id]} if {
	plan := input.evidence.plan
	fair := input.evidence.fair
	some f in object.get(plan.data, "sensitive_features", [])
	not lib.fairness_of(fair, f)
	msg := sprintf("sensitive feature %s was not measured (not in the %s data)", [f, fair.data.result.dataset])
}

deny contains {"msg": msg, "evidence": [fair.id]} if {
	fair := input.evidence.fair
	some f in object.get(input.evidence.plan.data, "sensitive_features", [])
	m := lib.fairness_of(fair, f)
	some name, limit in limits
	is_number(m[name])
	m[name] > limit
	msg := sprintf("%s: %s is %v (%s), above %v", [f, replace(name, "_", " "), m[name], lib.ci(m, name), limit])
}

deny contains {"msg": msg, "evidence": [fair.id]} if {
	fair := input.evidence.fair
	some f in object.get(input.evidence.plan.data, "sensitive_features", [])
	m := lib.fairness_of(fair, f)
	m.status == "measured"
	some name, _ in limits
	m[name] == null
	msg := sprintf("%s: %s undefined (%s)", [f, replace(name, "_", " "), concat("; ", m.notes)])
}

deny contains {"msg": msg, "evidence": [fair.id]} if {
	fair := input.evidence.fair
	some f in object.get(input.evidence.plan.data, "sensitive_features", [])
	m := lib.fairness_of(fair, f)
	m.status == "insufficient_evidence"
	msg := sprintf("%s: insufficient evidence: %s", [f, concat("; ", m.notes)])
}

warn contains {"msg": msg, "evidence": [fair.id]} if {
	fair := input.evidence.fair
	some m in fair.data.result.features
	some g in m.groups
	g.insufficient_evidence
	msg := sprintf("%s = %s: %v rows, below the minimum %v: insufficient evidence", [m.feature, g.group, g.count, fair.data.result.min_group_size])
}

warn contains {"msg": msg, "evidence": [fair.id]} if {
	fair := input.evidence.fair
	some m in fair.data.result.features
	count(m.columns) > 1
	some name, limit in limits
	is_number(m[name])
	m[name] > limit
	msg := sprintf("intersection %s: %s is %v, above %v", [m.feature, replace(name, "_", " "), m[name], limit])
}
