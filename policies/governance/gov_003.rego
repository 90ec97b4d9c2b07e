# METADATA
# title: AI policy approved and reviewed; quality-management procedures in place
# description: >-
#   The organisation's AI policy must be approved and reviewed within the review period, and its quality
#   management system must hold written procedures for testing, data management, risk management,
#   post-market monitoring and incident reporting.
# custom:
#   id: GOV-003
#   severity: medium
#   stage: governance
#   evidence: [ai_policy]
#   remediation: >-
#     Declare ai_policy with approved_by, approved_at, reviewed_at (within policy_review_days_max) and
#     qms_procedures naming a document for each procedure in data.ailm.thresholds.qms_procedures.
#   frameworks:
#     eu_ai_act: ["Art. 17(1)(d)", "Art. 17(1)(f)", "Art. 17(1)(g)", "Art. 17(1)(h)", "Art. 17(1)(i)"]
#     nist_ai_rmf: ["GOVERN 1.2", "GOVERN 1.4", "GOVERN 1.5"]
#     iso_42001: ["A.2.2", "A.2.4", "A.6.1.3"]
package ailm.controls.governance.gov_003

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent("ai_policy"), "evidence": lib.absent_ids("ai_policy")} if not lib.has("ai_policy")

deny contains {"msg": sprintf("ai_policy declares no %s", [f]), "evidence": [p.id]} if {
	p := input.evidence.ai_policy
	some f in lib.unfilled(p, ["approved_by", "approved_at", "reviewed_at"])
}

deny contains {"msg": lib.not_a_date(sprintf("ai_policy.%s", [f]), v), "evidence": [p.id]} if {
	p := input.evidence.ai_policy
	some f in ["approved_at", "reviewed_at"]
	v := lib.get(p.data, f)
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [p.id]} if {
	p := input.evidence.ai_policy
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [p.id]} if {
	p := input.evidence.ai_policy
	age := lib.days_since(p.data.reviewed_at)
	age > lib.thresholds.policy_review_days_max
	msg := sprintf("AI policy last reviewed %s, %s days ago (more than %s)", [p.data.reviewed_at, lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.policy_review_days_max)])
}

deny contains {"msg": sprintf("the quality management system has no %s procedure", [proc]), "evidence": [p.id]} if {
	p := input.evidence.ai_policy
	procs := lib.obj(lib.get(p.data, "qms_procedures"))
	some proc in lib.thresholds.qms_procedures
	not lib.filled(lib.get(procs, proc))
}
