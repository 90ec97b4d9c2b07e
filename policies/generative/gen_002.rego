# METADATA
# title: Safety evaluation and red-teaming done recently, with no open critical finding
# description: >-
#   A generative model must have a safety evaluation and an adversarial (red-team) exercise within
#   red_team_days_max days, covering the declared harm categories, with no critical finding left open.
# custom:
#   id: GEN-002
#   severity: critical
#   stage: generative
#   evidence: [red_team, inventory, base_model]
#   remediation: >-
#     Declare red_team with ran_at, method, categories (e.g. prompt injection, jailbreak, harmful content,
#     privacy leakage) and findings (id, severity, status).
#   frameworks:
#     eu_ai_act: ["Art. 55(1)(a)", "Art. 15(5)"]
#     nist_ai_rmf: ["MEASURE 2.7", "MEASURE 2.6", "MANAGE 4.1"]
#     iso_42001: ["A.6.2.4", "A.6.2.5"]
package ailm.controls.generative.gen_002

import data.ailm.lib
import rego.v1

r := input.evidence.red_team

ran_at := lib.get(lib.data_of("red_team"), "ran_at")

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

deny contains {"msg": lib.absent("red_team"), "evidence": lib.absent_ids("red_team")} if {
	lib.generative
	not lib.has("red_team")
}

deny contains {"msg": sprintf("red_team declares no %s", [f]), "evidence": [r.id]} if {
	lib.generative
	some f in lib.unfilled(r, ["ran_at", "method", "categories"])
}

deny contains {"msg": lib.not_a_date("red_team.ran_at", ran_at), "evidence": [r.id]} if {
	lib.generative
	r
	lib.filled(ran_at)
	not lib.is_date(ran_at)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [r.id]} if {
	lib.generative
	r
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [r.id]} if {
	lib.generative
	r
	age := lib.days_since(ran_at)
	age > lib.thresholds.red_team_days_max
	msg := sprintf("red-teaming ran %s, %s days ago (more than %s)", [ran_at, lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.red_team_days_max)])
}

deny contains {"msg": lib.not_a_list("red_team.findings", v), "evidence": [r.id]} if {
	lib.generative
	v := lib.get(r.data, "findings")
	v != null
	not is_array(v)
}

deny contains {"msg": sprintf("red-team finding %s is critical and still %s", [lib.label(lib.get(f, "id")), lib.label(lib.get(f, "status"))]), "evidence": [r.id]} if {
	lib.generative
	some f in lib.list(lib.get(r.data, "findings"))
	lib.get(f, "severity") == "critical"
	lib.get(f, "status") != "closed"
}
