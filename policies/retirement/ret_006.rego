# METADATA
# title: Lessons learned recorded after retirement and fed back to the risk register
# description: >-
#   Within lessons_learned_days_max days of retirement a lessons-learned review must be recorded and linked
#   to the risk register, so the next system starts from what this one taught.
# custom:
#   id: RET-006
#   severity: low
#   stage: retirement
#   evidence: [retirement, reg]
#   remediation: >-
#     Declare retirement.lessons_learned with completed_at, uri and risk_register_ref.
#   frameworks:
#     eu_ai_act: ["Art. 17(1)(i)"]
#     nist_ai_rmf: ["MANAGE 4.2", "MEASURE 4.3"]
#     iso_42001: ["Clause 10"]
package ailm.controls.retirement.ret_006

import data.ailm.lib
import rego.v1

not_applicable contains sprintf("the version is %s, not retired", [lib.lifecycle_status]) if not lib.retired

# Retired (the registry says so) with no retirement record: nothing to judge the retirement by is a failure.
deny contains {"msg": lib.retired_unrecorded, "evidence": lib.absent_ids("retirement")} if {
	lib.retired
	not lib.has("retirement")
}

ret := input.evidence.retirement

retired_at := lib.get(lib.data_of("retirement"), "retired_at")

ll := lib.obj(lib.get(lib.data_of("retirement"), "lessons_learned"))

completed_at := lib.get(ll, "completed_at")

deny contains {"msg": lib.not_a_date("retirement.retired_at", retired_at), "evidence": [ret.id]} if {
	lib.retired
	not lib.is_date(retired_at)
}

deny contains {"msg": lib.not_a_date("lessons_learned.completed_at", completed_at), "evidence": [ret.id]} if {
	lib.retired
	lib.filled(completed_at)
	not lib.is_date(completed_at)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [ret.id]} if {
	lib.retired
	lib.no_clock
}

due_passed if lib.days_since(retired_at) > lib.thresholds.lessons_learned_days_max

deny contains {"msg": sprintf("retired %s, more than %s days ago, and no lessons-learned review is recorded (lessons_learned.completed_at)", [retired_at, lib.fmt(lib.thresholds.lessons_learned_days_max)]), "evidence": [ret.id]} if {
	lib.retired
	due_passed
	not lib.filled(completed_at)
}

deny contains {"msg": msg, "evidence": [ret.id]} if {
	lib.retired
	days := lib.days_between(retired_at, completed_at)
	days > lib.thresholds.lessons_learned_days_max
	msg := sprintf("lessons learned completed %s, %s days after retirement (more than %s)", [completed_at, lib.fmt(lib.round1(days)), lib.fmt(lib.thresholds.lessons_learned_days_max)])
}

deny contains {"msg": "the lessons-learned review is not linked to the risk register", "evidence": [ret.id]} if {
	lib.retired
	lib.filled(completed_at)
	not lib.filled(lib.get(ll, "risk_register_ref"))
}
