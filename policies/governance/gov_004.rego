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
	not lib.has(role)
}

deny contains {"msg": sprintf("registry version has no %s tag", [tag]), "evidence": [reg.id]} if {
	reg := input.evidence.reg
	some tag in ["validated_by", "approved_by"]
	not lib.filled(lib.at(reg.data, ["tags", tag]))
}

deny contains {"msg": sprintf("training run %s records no user who ran it, so independence cannot be shown", [lib.label(lib.get(run.data, "run_id"))]), "evidence": [run.id]} if {
	run := input.evidence.run
	not lib.filled(lib.get(run.data, "user"))
}

deny contains {"msg": msg, "evidence": [reg.id, run.id]} if {
	reg := input.evidence.reg
	run := input.evidence.run
	some tag in ["validated_by", "approved_by"]
	person := lib.at(reg.data, ["tags", tag])
	lib.filled(person)
	person in authors(run)
	msg := sprintf("%s %s is also an author of training run %s", [tag, lib.label(person), lib.label(lib.get(run.data, "run_id"))])
}

# The run's user and any authors its tags list (a list, or MLflow's comma-separated text).
authors(run) := {a | some a in array.concat([lib.get(run.data, "user")], listed(lib.at(run.data, ["tags", "authors_list"])))}

listed(x) := x if is_array(x)

listed(x) := [trim_space(a) | some a in split(x, ",")] if is_string(x)

listed(x) := [] if {
	not is_array(x)
	not is_string(x)
}
