# METADATA
# title: Validation and approval are independent of the people who trained the model
# description: >-
#   The model version's validator (validated_by) and approver (approved_by), recorded in the registry, must
#   not be among the authors of the training run. Four eyes: whoever built a model does not sign it off.
# custom:
#   id: GOV-004
#   severity: high
#   stage: governance
#   evidence: [reg, run]
#   remediation: >-
#     Have someone who did not author the training run validate and approve the version, and record them
#     as the registry tags validated_by and approved_by.
#   frameworks:
#     eu_ai_act: ["Art. 17(1)(d)"]
#     nist_ai_rmf: ["MEASURE 1.3"]
#     iso_42001: ["A.3.2"]
package ailm.controls.governance.gov_004

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent(role), "evidence": lib.id_of("reg")} if {
	some role in ["reg", "run"]
	not input.evidence[role]
}

deny contains {"msg": sprintf("registry version has no %s tag", [tag]), "evidence": [reg.id]} if {
	reg := input.evidence.reg
	some tag in ["validated_by", "approved_by"]
	not lib.filled(object.get(reg.data.tags, tag, null))
}

deny contains {"msg": msg, "evidence": [reg.id, run.id]} if {
	reg := input.evidence.reg
	run := input.evidence.run
	some tag in ["validated_by", "approved_by"]
	person := reg.data.tags[tag]
	person in authors(run)
	msg := sprintf("%s %s is also an author of training run %s", [tag, person, run.data.run_id])
}

authors(run) := {a | some a in array.concat([run.data.user], object.get(run.data.tags, "authors_list", []))}
