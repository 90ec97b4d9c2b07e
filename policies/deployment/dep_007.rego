# METADATA
# title: Monitoring configured with thresholds, cadence and an alert owner
# description: >-
#   Before deployment, post-market monitoring must be configured: thresholds for performance, drift and
#   fairness, a cadence no longer than monitoring_cadence_days_max, and a named owner for alerts.
# custom:
#   id: DEP-007
#   severity: high
#   stage: deployment
#   evidence: [monitoring, deployment]
#   remediation: >-
#     Declare monitoring with thresholds (performance, drift, fairness), cadence_days and alert_owner.
#   frameworks:
#     eu_ai_act: ["Art. 72(1)-(3)", "Annex IV 9"]
#     nist_ai_rmf: ["MANAGE 4.1", "MEASURE 2.4"]
#     iso_42001: ["A.6.2.6"]
package ailm.controls.deployment.dep_007

import data.ailm.lib
import rego.v1

m := input.evidence.monitoring

cadence := lib.get(m.data, "cadence_days")

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("monitoring")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("monitoring"))} if {
	lib.deployed
	not lib.has("monitoring")
}

deny contains {"msg": sprintf("monitoring declares no %s", [f]), "evidence": [m.id]} if {
	lib.deployed
	some f in lib.unfilled(m, ["cadence_days", "alert_owner"])
}

deny contains {"msg": sprintf("monitoring sets no %s threshold", [kind]), "evidence": [m.id]} if {
	lib.deployed
	some kind in ["performance", "drift", "fairness"]
	not lib.filled(lib.at(m.data, ["thresholds", kind]))
}

deny contains {"msg": lib.not_a_number("monitoring.cadence_days", cadence), "evidence": [m.id]} if {
	lib.deployed
	lib.filled(cadence)
	not is_number(cadence)
}

deny contains {"msg": msg, "evidence": [m.id]} if {
	lib.deployed
	is_number(cadence)
	cadence > lib.thresholds.monitoring_cadence_days_max
	msg := sprintf("monitoring cadence is %s days, more than %s", [lib.fmt(cadence), lib.fmt(lib.thresholds.monitoring_cadence_days_max)])
}
