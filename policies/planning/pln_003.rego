# METADATA
# title: Risk register assessed for this version, with owners, treatments and signed acceptance
# description: >-
#   The risk register must list each risk with likelihood, severity, treatment and owner. A residual risk
#   above the declared appetite needs a signed acceptance. The assessment must postdate the model version it
#   covers and be no older than the assessment period.
# custom:
#   id: PLN-003
#   severity: critical
#   stage: planning
#   evidence: [risk_register, reg]
#   remediation: >-
#     Declare risk_register with assessed_at (after the version was registered), appetite (a score) and
#     risks (id, likelihood, severity, treatment, owner, residual); add acceptance (signed_by, signed_at) to
#     every risk whose residual exceeds the appetite.
#   frameworks:
#     eu_ai_act: ["Art. 9(2)(a)-(d)", "Art. 9(5)"]
#     nist_ai_rmf: ["MAP 1.5", "MAP 5.1", "MANAGE 1.2", "MANAGE 1.3", "MANAGE 1.4", "GOVERN 1.5"]
#     iso_42001: ["A.5.2"]
package ailm.controls.planning.pln_003

import data.ailm.lib
import rego.v1

rr := input.evidence.risk_register

risks := lib.list(lib.get(rr.data, "risks"))

appetite := lib.get(rr.data, "appetite")

deny contains {"msg": lib.absent("risk_register"), "evidence": lib.absent_ids("risk_register")} if not lib.has("risk_register")

deny contains {"msg": sprintf("risk register declares no %s", [f]), "evidence": [rr.id]} if {
	some f in lib.unfilled(rr, ["assessed_at", "appetite", "risks"])
}

deny contains {"msg": lib.not_a_list("risk_register.risks", v), "evidence": [rr.id]} if {
	v := lib.get(rr.data, "risks")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": lib.not_a_number("risk_register.appetite", appetite), "evidence": [rr.id]} if {
	lib.filled(appetite)
	not is_number(appetite)
}

deny contains {"msg": sprintf("risk %s has no %s", [risk_name(i, r), f]), "evidence": [rr.id]} if {
	some i, r in risks
	some f in ["likelihood", "severity", "treatment", "owner", "residual"]
	not lib.filled(lib.get(r, f))
}

deny contains {"msg": lib.not_a_number(sprintf("risk %s residual", [risk_name(i, r)]), v), "evidence": [rr.id]} if {
	some i, r in risks
	v := lib.get(r, "residual")
	lib.filled(v)
	not is_number(v)
}

deny contains {"msg": msg, "evidence": [rr.id]} if {
	some i, r in risks
	is_number(r.residual)
	is_number(appetite)
	r.residual > appetite
	not signed(lib.obj(lib.get(r, "acceptance")))
	msg := sprintf("risk %s has residual %s above the appetite %s and no signed acceptance", [risk_name(i, r), lib.fmt(r.residual), lib.fmt(appetite)])
}

deny contains {"msg": lib.not_a_date("risk_register.assessed_at", v), "evidence": [rr.id]} if {
	v := lib.get(rr.data, "assessed_at")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.not_a_date(sprintf("registry version %s created_at", [lib.label(lib.get(reg.data, "version"))]), v), "evidence": [rr.id, reg.id]} if {
	rr
	reg := input.evidence.reg
	v := lib.get(reg.data, "created_at")
	not lib.is_date(v)
}

deny contains {"msg": sprintf("%s to show the risk assessment covers this version", [lib.absent("reg")]), "evidence": [rr.id]} if {
	rr
	not lib.has("reg")
}

deny contains {"msg": msg, "evidence": [rr.id, reg.id]} if {
	reg := input.evidence.reg
	lib.ns(rr.data.assessed_at) < lib.ns(reg.data.created_at)
	msg := sprintf("the risk assessment (%s) predates model version %s (registered %s)", [rr.data.assessed_at, lib.label(lib.get(reg.data, "version")), reg.data.created_at])
}

deny contains {"msg": lib.msg_no_clock, "evidence": [rr.id]} if {
	rr
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [rr.id]} if {
	age := lib.days_since(rr.data.assessed_at)
	age > lib.thresholds.risk_assessment_days_max
	msg := sprintf("the risk assessment is %s days old (more than %s)", [lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.risk_assessment_days_max)])
}

risk_name(i, r) := lib.label(id) if {
	id := lib.get(r, "id")
	lib.filled(id)
} else := format_int(i + 1, 10)

signed(a) if {
	lib.filled(lib.get(a, "signed_by"))
	lib.is_date(lib.get(a, "signed_at"))
}
