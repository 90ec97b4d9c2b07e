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

deny contains {"msg": lib.absent("risk_register"), "evidence": lib.absent_ids("risk_register")} if not input.evidence.risk_register

deny contains {"msg": sprintf("risk register declares no %s", [f]), "evidence": [rr.id]} if {
	rr := input.evidence.risk_register
	some f in lib.unfilled(rr, ["assessed_at", "appetite", "risks"])
}

deny contains {"msg": sprintf("risk %v has no %s", [object.get(r, "id", i + 1), f]), "evidence": [rr.id]} if {
	rr := input.evidence.risk_register
	some i, r in object.get(rr.data, "risks", [])
	some f in ["likelihood", "severity", "treatment", "owner", "residual"]
	not lib.filled(object.get(r, f, null))
}

deny contains {"msg": msg, "evidence": [rr.id]} if {
	rr := input.evidence.risk_register
	some r in rr.data.risks
	r.residual > rr.data.appetite
	not signed(object.get(r, "acceptance", {}))
	msg := sprintf("risk %v has residual %v above the appetite %v and no signed acceptance", [r.id, r.residual, rr.data.appetite])
}

deny contains {"msg": msg, "evidence": [rr.id, reg.id]} if {
	rr := input.evidence.risk_register
	reg := input.evidence.reg
	lib.ns(rr.data.assessed_at) < lib.ns(reg.data.created_at)
	msg := sprintf("the risk assessment (%s) predates model version %v (registered %s)", [rr.data.assessed_at, reg.data.version, reg.data.created_at])
}

deny contains {"msg": msg, "evidence": [rr.id]} if {
	rr := input.evidence.risk_register
	age := lib.days_since(rr.data.assessed_at)
	age > lib.thresholds.risk_assessment_days_max
	msg := sprintf("the risk assessment is %v days old (more than %v)", [lib.round1(age), lib.thresholds.risk_assessment_days_max])
}

signed(a) if {
	lib.filled(object.get(a, "signed_by", null))
	lib.filled(object.get(a, "signed_at", null))
}
