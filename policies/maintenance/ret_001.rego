# METADATA
# title: Revalidated within a year, or suspended
# description: >-
#   A model version in use must have been validated within validation_days_max; if not, its declared
#   lifecycle status must be suspended (or retiring or retired).
# custom:
#   id: RET-001
#   severity: high
#   stage: maintenance
#   evidence: [validation, run, retirement]
#   remediation: >-
#     Revalidate the model and declare validation.validated_at and validated_by, or set retirement.status to
#     suspended until it is revalidated.
#   frameworks:
#     eu_ai_act: ["Art. 9(2)", "Art. 17(1)(d)"]
#     nist_ai_rmf: ["GOVERN 1.5", "MEASURE 1.2"]
#     iso_42001: ["A.6.2.4", "A.6.2.6"]
package ailm.controls.maintenance.ret_001

import data.ailm.lib
import rego.v1

not_applicable contains sprintf("the version is %s", [lib.lifecycle_status]) if lib.lifecycle_status in {"suspended", "retiring", "retired"}

# The last validation: a declared revalidation, else the end of the training and evaluation run.
last := [lib.data_of("validation").validated_at, input.evidence.validation.id] if lib.filled(object.get(lib.data_of("validation"), "validated_at", null))

last := [input.evidence.run.data.ended_at, input.evidence.run.id] if {
	not lib.filled(object.get(lib.data_of("validation"), "validated_at", null))
	input.evidence.run
}

deny contains {"msg": "no validation is recorded (neither validation.validated_at nor an evaluation run)", "evidence": lib.id_of("reg")} if {
	not lib.lifecycle_status in {"suspended", "retiring", "retired"}
	not last
}

deny contains {"msg": msg, "evidence": [id]} if {
	not lib.lifecycle_status in {"suspended", "retiring", "retired"}
	[at, id] := last
	age := lib.days_since(at)
	age > lib.thresholds.validation_days_max
	msg := sprintf("last validated %s, %v days ago (more than %v), and the status is %s, not suspended", [at, lib.round1(age), lib.thresholds.validation_days_max, lib.lifecycle_status])
}
