# METADATA
# title: Production performance meets the declared thresholds and has not fallen from validation
# description: >-
#   The latest production evaluation window must meet every declared success-metric threshold and may not
#   fall more than production_drop_max below the value measured before deployment.
# custom:
#   id: MON-003
#   severity: critical
#   stage: monitoring
#   evidence: [production, plan, run, deployment]
#   remediation: >-
#     Declare production with windows (end, metrics) from monitoring with labelled outcomes; act on a drop
#     (retrain, roll back or suspend).
#   frameworks:
#     eu_ai_act: ["Art. 15(1)", "Art. 15(3)", "Art. 72(2)"]
#     nist_ai_rmf: ["MEASURE 2.4", "MEASURE 2.5", "MANAGE 2.2"]
#     iso_42001: ["A.6.2.6"]
package ailm.controls.monitoring.mon_003

import data.ailm.lib
import rego.v1

production := input.evidence.production

windows := lib.list(lib.get(lib.data_of("production"), "windows"))

dated := [w | some w in windows; lib.is_date(lib.get(w, "end"))]

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("production")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("production"))} if {
	lib.deployed
	not lib.has("production")
}

deny contains {"msg": "production declares no evaluation windows", "evidence": [production.id]} if {
	lib.deployed
	not lib.filled(lib.get(production.data, "windows"))
}

deny contains {"msg": lib.not_a_list("production.windows", v), "evidence": [production.id]} if {
	lib.deployed
	v := lib.get(production.data, "windows")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": lib.not_a_date(sprintf("production window %d end", [i + 1]), v), "evidence": [production.id]} if {
	lib.deployed
	some i, w in windows
	v := lib.get(w, "end")
	not lib.is_date(v)
}

# The window that ended last.
latest := w if {
	last_end := max({lib.ns(x.end) | some x in dated})
	some w in dated
	lib.ns(w.end) == last_end
}

latest_metrics := lib.obj(lib.get(latest, "metrics"))

deny contains {"msg": lib.not_a_number(sprintf("production window ending %s: %s", [latest.end, name]), value), "evidence": [production.id]} if {
	lib.deployed
	some name, value in latest_metrics
	not is_number(value)
}

deny contains {"msg": sprintf("production window ending %s has no %s for the declared success metric", [latest.end, lib.label(lib.get(m, "metric"))]), "evidence": [production.id, input.evidence.plan.id]} if {
	lib.deployed
	some m in lib.list(lib.get(lib.data_of("plan"), "success_metrics"))
	not is_number(lib.get(latest_metrics, lib.get(m, "metric")))
}

deny contains {"msg": msg, "evidence": [production.id, input.evidence.plan.id]} if {
	lib.deployed
	some m in lib.list(lib.get(lib.data_of("plan"), "success_metrics"))
	value := lib.get(latest_metrics, lib.get(m, "metric"))
	threshold := lib.get(m, "threshold")
	is_number(value)
	is_number(threshold)
	breaks(value, object.get(lib.obj(m), "direction", "min"), threshold)
	msg := sprintf("production window ending %s: %s = %s %s the declared %s", [latest.end, m.metric, lib.fmt(value), side(object.get(m, "direction", "min")), lib.fmt(threshold)])
}

deny contains {"msg": lib.not_a_number(sprintf("success metric %s threshold", [lib.label(lib.get(m, "metric"))]), v), "evidence": [input.evidence.plan.id]} if {
	lib.deployed
	production
	some m in lib.list(lib.get(lib.data_of("plan"), "success_metrics"))
	v := lib.get(m, "threshold")
	not is_number(v)
}

deny contains {"msg": lib.not_a_number(sprintf("training run metric %s", [name]), before), "evidence": [input.evidence.run.id]} if {
	lib.deployed
	some name, _ in latest_metrics
	before := lib.get(lib.get(lib.data_of("run"), "metrics"), name)
	before != null
	not is_number(before)
}

deny contains {"msg": msg, "evidence": [production.id, input.evidence.run.id]} if {
	lib.deployed
	some name, value in latest_metrics
	before := lib.get(lib.get(lib.data_of("run"), "metrics"), name)
	is_number(value)
	is_number(before)
	before - value > lib.thresholds.production_drop_max
	msg := sprintf("production window ending %s: %s = %s, down %s from %s at evaluation", [latest.end, name, lib.fmt(value), lib.fmt(round((before - value) * 1000) / 1000), lib.fmt(before)])
}

deny contains {"msg": sprintf("%s: no declared success metrics to hold production to", [lib.absent("plan")]), "evidence": [production.id]} if {
	lib.deployed
	production
	not lib.has("plan")
}

deny contains {"msg": sprintf("%s: no evaluation to measure the production drop from", [lib.absent("run")]), "evidence": [production.id]} if {
	lib.deployed
	production
	not lib.has("run")
}

breaks(v, "min", limit) if v < limit

breaks(v, "max", limit) if v > limit

side("max") := "above"

side(d) := "below" if d != "max"
