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

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("production")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("production"))} if {
	lib.deployed
	not input.evidence.production
}

deny contains {"msg": "production declares no evaluation windows", "evidence": [p.id]} if {
	p := input.evidence.production
	not lib.filled(object.get(p.data, "windows", null))
}

latest := w if {
	windows := input.evidence.production.data.windows
	last_end := max({lib.ns(x.end) | some x in windows})
	some w in windows
	lib.ns(w.end) == last_end
}

deny contains {"msg": msg, "evidence": [input.evidence.production.id, input.evidence.plan.id]} if {
	some m in input.evidence.plan.data.success_metrics
	value := latest.metrics[m.metric]
	object.get(m, "direction", "min") == "min"
	value < m.threshold
	msg := sprintf("production window ending %s: %s = %v below the declared %v", [latest.end, m.metric, value, m.threshold])
}

deny contains {"msg": msg, "evidence": [input.evidence.production.id, input.evidence.run.id]} if {
	some name, value in latest.metrics
	before := input.evidence.run.data.metrics[name]
	before - value > lib.thresholds.production_drop_max
	msg := sprintf("production window ending %s: %s = %v, down %v from %v at evaluation", [latest.end, name, value, round((before - value) * 1000) / 1000, before])
}
