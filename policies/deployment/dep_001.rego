# METADATA
# title: Deployed only after approval of the latest evaluation, with the registry's artifact
# description: >-
#   A deployment must be approved by a named person after the latest evaluation of the version (the end of
#   its training and evaluation run), and the artifact digest deployed must equal the registry's digest for
#   that version. Critical failures of other controls block the same audit's gate.
# custom:
#   id: DEP-001
#   severity: critical
#   stage: deployment
#   evidence: [deployment, reg, run]
#   remediation: >-
#     Declare deployment.approved_by, deployment.approved_at (after the evaluation) and
#     deployment.artifact_digest (the sha256 of the deployed model artifact).
#   frameworks:
#     eu_ai_act: ["Art. 9(8)", "Art. 17(1)(d)"]
#     nist_ai_rmf: ["MANAGE 1.1"]
#     iso_42001: ["A.6.2.5"]
package ailm.controls.deployment.dep_001

import data.ailm.lib
import rego.v1

dep := input.evidence.deployment

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployment declares no %s", [f]), "evidence": [dep.id]} if {
	lib.deployed
	some f in lib.unfilled(dep, ["approved_by", "approved_at", "artifact_digest"])
}

deny contains {"msg": lib.not_a_date("deployment.approved_at", v), "evidence": [dep.id]} if {
	lib.deployed
	v := lib.get(dep.data, "approved_at")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.not_a_date(sprintf("training run %s ended_at", [lib.label(lib.get(run.data, "run_id"))]), v), "evidence": [dep.id, run.id]} if {
	lib.deployed
	dep
	run := input.evidence.run
	v := lib.get(run.data, "ended_at")
	not lib.is_date(v)
}

deny contains {"msg": msg, "evidence": [dep.id, run.id]} if {
	lib.deployed
	run := input.evidence.run
	lib.ns(dep.data.approved_at) < lib.ns(run.data.ended_at)
	msg := sprintf("deployment approved at %s, before the latest evaluation ended at %s", [dep.data.approved_at, run.data.ended_at])
}

deny contains {"msg": msg, "evidence": [dep.id, reg.id]} if {
	lib.deployed
	reg := input.evidence.reg
	deployed := lib.get(dep.data, "artifact_digest")
	lib.filled(deployed)
	deployed != lib.get(reg.data, "artifact_digest")
	msg := sprintf("the deployed artifact %s is not the registry's artifact %s", [lib.label(deployed), lib.label(lib.get(reg.data, "artifact_digest"))])
}

deny contains {"msg": sprintf("deployed, but %s", [lib.absent(role)]), "evidence": [dep.id]} if {
	lib.deployed
	some role in ["reg", "run"]
	not lib.has(role)
}
