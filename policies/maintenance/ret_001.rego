# METADATA
# title: Revalidated within a year, or suspended
# description: >-
#   A model version in use must have been validated within validation_days_max; if not, its declared
#   lifecycle status must be suspended (or retiring or retired).
# custom:
#   id: RET-001
#   severity: high
#   stage: maintenance
#   evidence: [validation, run, retirement, reg]
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

statuses := {"active", "suspended", "retiring", "retired"}

inactive if lib.lifecycle_status in {"suspended", "retiring", "retired"}

not_applicable contains sprintf("the version is %s", [lib.lifecycle_status]) if inactive

declared_status := lib.get(lib.data_of("retirement"), "status")

deny contains {"msg": sprintf("retirement status is %s, not one of active, suspended, retiring, retired", [lib.show(declared_status)]), "evidence": [input.evidence.retirement.id]} if {
	declared_status != null
	not declared_status in statuses
}

validated_at := lib.get(lib.data_of("validation"), "validated_at")

# The last validation: a declared revalidation, else the end of the training and evaluation run.
last := [validated_at, input.evidence.validation.id, "validation.validated_at"] if lib.filled(validated_at)

last := [lib.get(lib.data_of("run"), "ended_at"), input.evidence.run.id, "training run ended_at"] if {
	not lib.filled(validated_at)
	lib.has("run")
}

deny contains {"msg": "no validation is recorded (neither validation.validated_at nor an evaluation run)", "evidence": lib.id_of("reg")} if {
	not inactive
	not last
}

deny contains {"msg": lib.not_a_date(sprintf("the last validation (%s)", [field]), at), "evidence": [id]} if {
	not inactive
	[at, id, field] := last
	not lib.is_date(at)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [id]} if {
	not inactive
	[_, id, _] := last
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [id]} if {
	not inactive
	[at, id, _] := last
	age := lib.days_since(at)
	age > lib.thresholds.validation_days_max
	msg := sprintf("last validated %s, %s days ago (more than %s), and the status is %s, not suspended", [at, lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.validation_days_max), lib.lifecycle_status])
}
