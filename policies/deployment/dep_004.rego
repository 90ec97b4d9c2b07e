# METADATA
# title: Human oversight assigned, able to override and stop, and drilled
# description: >-
#   A deployed high-risk system needs a named oversight role whose holders can override an output and stop
#   the system, and an oversight drill no older than oversight_drill_days_max.
# custom:
#   id: DEP-004
#   severity: critical
#   stage: deployment
#   evidence: [oversight, deployment]
#   remediation: >-
#     Declare oversight with role, override_enabled: true, stop_enabled: true and last_drill_at.
#   frameworks:
#     eu_ai_act: ["Art. 14(4)(a)-(e)"]
#     nist_ai_rmf: ["MAP 3.5", "GOVERN 3.2", "MANAGE 2.4"]
#     iso_42001: ["A.9.2"]
package ailm.controls.deployment.dep_004

import data.ailm.lib
import rego.v1

o := input.evidence.oversight

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("oversight")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("oversight"))} if {
	lib.deployed
	not lib.has("oversight")
}

deny contains {"msg": sprintf("oversight declares no %s", [f]), "evidence": [o.id]} if {
	lib.deployed
	some f in lib.unfilled(o, ["role", "last_drill_at"])
}

deny contains {"msg": sprintf("oversight: %s is not enabled", [flag]), "evidence": [o.id]} if {
	lib.deployed
	some flag in ["override_enabled", "stop_enabled"]
	lib.get(o.data, flag) != true
}

deny contains {"msg": lib.not_a_date("oversight.last_drill_at", v), "evidence": [o.id]} if {
	lib.deployed
	v := lib.get(o.data, "last_drill_at")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [o.id]} if {
	lib.deployed
	o
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [o.id]} if {
	lib.deployed
	age := lib.days_since(o.data.last_drill_at)
	age > lib.thresholds.oversight_drill_days_max
	msg := sprintf("the last oversight drill (%s) is %s days old, more than %s", [o.data.last_drill_at, lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.oversight_drill_days_max)])
}
