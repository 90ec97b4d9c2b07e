# METADATA
# title: Demographic parity and equalized odds differences within limits; small groups flagged
# description: >-
#   From ailm's fairness measurement (fairlearn on the evaluation split): for each sensitive feature named
#   in the plan, the demographic parity difference and the equalized odds difference must be at most 0.1.
#   A group with fewer rows than the minimum (30) is insufficient evidence: it is named in a warning, never
#   silently dropped. A group whose true (or false) positive rate is undefined (no positive, or no negative,
#   true label) is left out of that rate's comparison and named in a warning. Intersections of the
#   sensitive features are reported as warnings. The 0.1 limits are practice, not a standard.
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

fair := input.evidence.fair

result := lib.obj(lib.get(fair.data, "result"))

sensitive := lib.list(lib.get(lib.data_of("plan"), "sensitive_features"))

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "fair"]
	not lib.has(role)
}

deny contains {"msg": "plan names no sensitive_features to assess fairness on", "evidence": [input.evidence.plan.id]} if {
	count(sensitive) == 0
}

deny contains {"msg": msg, "evidence": [input.evidence.plan.id, fair.id]} if {
	some f in sensitive
	not lib.fairness_of(fair.data, f)
	msg := sprintf("sensitive feature %s was not measured (not in the %s data)", [lib.label(f), lib.label(lib.get(result, "dataset"))])
}

deny contains {"msg": msg, "evidence": [fair.id]} if {
	some f in sensitive
	m := lib.fairness_of(fair.data, f)
	some name, limit in limits
	value := lib.get(m, name)
	is_number(value)
	value > limit
	msg := sprintf("%s: %s is %s (%s), above %s", [f, replace(name, "_", " "), lib.fmt(value), lib.ci(m, name), lib.fmt(limit)])
}

deny contains {"msg": msg, "evidence": [fair.id]} if {
	some f in sensitive
	m := lib.fairness_of(fair.data, f)
	m.status == "measured"
	some name, _ in limits
	lib.get(m, name) == null
	msg := sprintf("%s: %s undefined (%s)", [f, replace(name, "_", " "), notes(m)])
}

deny contains {"msg": lib.not_a_number(sprintf("%s %s", [f, name]), value), "evidence": [fair.id]} if {
	some f in sensitive
	m := lib.fairness_of(fair.data, f)
	some name, _ in limits
	value := lib.get(m, name)
	value != null
	not is_number(value)
}

deny contains {"msg": msg, "evidence": [fair.id]} if {
	some f in sensitive
	m := lib.fairness_of(fair.data, f)
	m.status != "measured"
	msg := sprintf("%s: %s: %s", [f, replace(lib.label(m.status), "_", " "), notes(m)])
}

warn contains {"msg": msg, "evidence": [fair.id]} if {
	some m in lib.list(lib.get(result, "features"))
	some g in lib.list(lib.get(m, "groups"))
	lib.get(g, "insufficient_evidence") == true
	msg := sprintf("%s = %s: %s rows, below the minimum %s: insufficient evidence", [lib.label(lib.get(m, "feature")), lib.label(lib.get(g, "group")), lib.label(lib.get(g, "count")), lib.label(lib.get(result, "min_group_size"))])
}

warn contains {"msg": msg, "evidence": [fair.id]} if {
	some m in lib.list(lib.get(result, "features"))
	some e in lib.list(lib.get(m, "excluded_from_equalized_odds"))
	msg := sprintf("%s = %s: %s; equalized odds compare the other groups without it", [lib.label(lib.get(m, "feature")), lib.label(lib.get(e, "group")), lib.label(lib.get(e, "reason"))])
}

warn contains {"msg": msg, "evidence": [fair.id]} if {
	some m in lib.list(lib.get(result, "features"))
	count(lib.list(lib.get(m, "columns"))) > 1
	some name, limit in limits
	value := lib.get(m, name)
	is_number(value)
	value > limit
	msg := sprintf("intersection %s: %s is %s, above %s", [lib.label(lib.get(m, "feature")), replace(name, "_", " "), lib.fmt(value), lib.fmt(limit)])
}

notes(m) := text if {
	text := concat("; ", [lib.label(n) | some n in lib.list(lib.get(m, "notes"))])
	text != ""
} else := "no reason recorded"
