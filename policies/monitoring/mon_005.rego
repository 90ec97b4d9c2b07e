# METADATA
# title: Monitoring runs on cadence and failing alerts do not stay open without an incident
# description: >-
#   A deployed version must be monitored at a declared cadence of at most 7 days; the last monitoring
#   run must be no older than twice the cadence on the audit clock; and no failing alert may stay open
#   longer than 7 days unless an incident was opened for it. Not applicable to a version not deployed.
# custom:
#   id: MON-005
#   severity: high
#   stage: monitoring
#   evidence: [deployment, monitoring]
#   remediation: >-
#     Schedule monitoring (drift, performance, fairness) at most weekly, declare `monitoring` with
#     cadence_days and last_run_at, and open an incident for any alert left failing for more than 7 days.
#   frameworks:
#     eu_ai_act: ["Art. 26(5)", "Art. 72(2)"]
#     nist_ai_rmf: ["MEASURE 3.1", "MANAGE 4.1"]
#     iso_42001: ["A.6.2.6"]
package ailm.controls.monitoring.mon_005

import data.ailm.lib
import rego.v1

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("monitoring")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("monitoring"))} if {
	lib.deployed
	not input.evidence.monitoring
}

deny contains {"msg": msg, "evidence": [mon.id]} if {
	mon := input.evidence.monitoring
	cadence := object.get(mon.data, "cadence_days", 1000000)
	cadence > lib.thresholds.monitoring_cadence_days_max
	msg := sprintf("monitoring cadence is %v days, more than %v", [cadence, lib.thresholds.monitoring_cadence_days_max])
}

deny contains {"msg": msg, "evidence": [mon.id]} if {
	mon := input.evidence.monitoring
	age := lib.days_since(mon.data.last_run_at)
	age > 2 * mon.data.cadence_days
	msg := sprintf("last monitoring run %s is %v days old, more than twice the %v-day cadence", [mon.data.last_run_at, lib.round1(age), mon.data.cadence_days])
}

deny contains {"msg": "monitoring declares no last_run_at", "evidence": [mon.id]} if {
	mon := input.evidence.monitoring
	not lib.filled(object.get(mon.data, "last_run_at", null))
}

deny contains {"msg": msg, "evidence": [mon.id]} if {
	mon := input.evidence.monitoring
	some alert in object.get(mon.data, "open_alerts", [])
	alert.state == "failing"
	not lib.filled(object.get(alert, "incident", null))
	age := lib.days_since(alert.opened_at)
	age > lib.thresholds.alert_open_days_max
	msg := sprintf("alert %s has been failing for %v days with no incident", [alert.id, lib.round1(age)])
}
