# METADATA
# title: Instructions for use state the evaluated performance, per-group results, limitations, lifetime
# description: >-
#   The instructions for use given to deployers must declare the accuracy metrics the evaluation measured
#   (each within measured_tolerance of the run's logged value), performance per group of each sensitive
#   feature, known limitations and the expected lifetime.
# custom:
#   id: DEP-002
#   severity: high
#   stage: deployment
#   evidence: [instructions_for_use, run, plan]
#   remediation: >-
#     Declare instructions_for_use with metrics (name: value as evaluated), per_group_performance (one entry
#     per sensitive feature), limitations and expected_lifetime_months.
#   frameworks:
#     eu_ai_act: ["Art. 13(3)(b)", "Art. 13(3)(e)", "Art. 15(3)"]
#     nist_ai_rmf: ["MAP 2.2", "MEASURE 2.8"]
#     iso_42001: ["A.8.2"]
package ailm.controls.deployment.dep_002

import data.ailm.lib
import rego.v1

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("instructions_for_use")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("instructions_for_use"))} if {
	lib.deployed
	not input.evidence.instructions_for_use
}

deny contains {"msg": sprintf("instructions for use declare no %s", [f]), "evidence": [ifu.id]} if {
	ifu := input.evidence.instructions_for_use
	some f in lib.unfilled(ifu, ["metrics", "per_group_performance", "limitations", "expected_lifetime_months"])
}

deny contains {"msg": msg, "evidence": [ifu.id, run.id]} if {
	ifu := input.evidence.instructions_for_use
	run := input.evidence.run
	some name, declared in ifu.data.metrics
	logged := object.get(run.data.metrics, name, null)
	not within(declared, logged)
	msg := sprintf("instructions for use state %s = %v, the evaluation logged %v", [name, declared, logged])
}

deny contains {"msg": sprintf("instructions for use give no per-group performance for %s", [f]), "evidence": [ifu.id]} if {
	ifu := input.evidence.instructions_for_use
	some f in object.get(lib.data_of("plan"), "sensitive_features", [])
	not object.get(object.get(ifu.data, "per_group_performance", {}), f, null)
}

within(a, b) if {
	is_number(b)
	abs(a - b) <= lib.thresholds.measured_tolerance
}
