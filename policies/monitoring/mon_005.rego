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

mon := input.evidence.monitoring

cadence := lib.get(lib.data_of("monitoring"), "cadence_days")

last_run := lib.get(lib.data_of("monitoring"), "last_run_at")

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("monitoring")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("monitoring"))} if {
	lib.deployed
	not lib.has("monitoring")
}

deny contains {"msg": lib.not_a_number("monitoring.cadence_days", cadence), "evidence": [mon.id]} if {
	lib.deployed
	mon
	not is_number(cadence)
}

deny contains {"msg": msg, "evidence": [mon.id]} if {
	lib.deployed
	mon
	is_number(cadence)
	cadence > lib.thresholds.monitoring_cadence_days_max
	msg := sprintf("monitoring cadence is %s days, more than %s", [lib.fmt(cadence), lib.fmt(lib.thresholds.monitoring_cadence_days_max)])
}

deny contains {"msg": "monitoring declares no last_run_at", "evidence": [mon.id]} if {
	lib.deployed
	mon
	not lib.filled(last_run)
}

deny contains {"msg": lib.not_a_date("monitoring.last_run_at", last_run), "evidence": [mon.id]} if {
	lib.deployed
	mon
	lib.filled(last_run)
	not lib.is_date(last_run)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [mon.id]} if {
	lib.deployed
	mon
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [mon.id]} if {
	lib.deployed
	mon
	is_number(cadence)
	age := lib.days_since(last_run)
	age > 2 * cadence
	msg := sprintf("last monitoring run %s is %s days old, more than twice the %s-day cadence", [last_run, lib.fmt(lib.round1(age)), lib.fmt(cadence)])
}

alerts := lib.list(lib.get(lib.data_of("monitoring"), "open_alerts"))

failing := [a | some a in alerts; lib.get(a, "state") == "failing"; not lib.filled(lib.get(a, "incident"))]

deny contains {"msg": lib.not_a_list("monitoring.open_alerts", v), "evidence": [mon.id]} if {
	lib.deployed
	v := lib.get(mon.data, "open_alerts")
	v != null
	not is_array(v)
}

deny contains {"msg": lib.not_a_date(sprintf("alert %s opened_at", [lib.label(lib.get(a, "id"))]), v), "evidence": [mon.id]} if {
	lib.deployed
	mon
	some a in failing
	v := lib.get(a, "opened_at")
	not lib.is_date(v)
}

deny contains {"msg": msg, "evidence": [mon.id]} if {
	lib.deployed
	mon
	some a in failing
	age := lib.days_since(a.opened_at)
	age > lib.thresholds.alert_open_days_max
	msg := sprintf("alert %s has been failing for %s days with no incident", [lib.label(lib.get(a, "id")), lib.fmt(lib.round1(age))])
}
