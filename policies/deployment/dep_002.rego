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

ifu := input.evidence.instructions_for_use

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("instructions_for_use")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("instructions_for_use"))} if {
	lib.deployed
	not lib.has("instructions_for_use")
}

deny contains {"msg": sprintf("instructions for use declare no %s", [f]), "evidence": [ifu.id]} if {
	lib.deployed
	some f in lib.unfilled(ifu, ["metrics", "per_group_performance", "limitations", "expected_lifetime_months"])
}

deny contains {"msg": lib.not_a_number("instructions_for_use.expected_lifetime_months", v), "evidence": [ifu.id]} if {
	lib.deployed
	v := lib.get(ifu.data, "expected_lifetime_months")
	lib.filled(v)
	not is_number(v)
}

deny contains {"msg": sprintf("instructions for use metrics is %s, not an object", [lib.show(v)]), "evidence": [ifu.id]} if {
	lib.deployed
	v := lib.get(ifu.data, "metrics")
	lib.filled(v)
	not is_object(v)
}

deny contains {"msg": lib.not_a_number(sprintf("instructions for use metric %s", [name]), declared), "evidence": [ifu.id]} if {
	lib.deployed
	some name, declared in lib.obj(lib.get(ifu.data, "metrics"))
	not is_number(declared)
}

deny contains {"msg": msg, "evidence": [ifu.id, run.id]} if {
	lib.deployed
	run := input.evidence.run
	some name, declared in lib.obj(lib.get(ifu.data, "metrics"))
	is_number(declared)
	logged := lib.get(lib.get(run.data, "metrics"), name)
	not within(declared, logged)
	msg := sprintf("instructions for use state %s = %s, the evaluation logged %s", [name, lib.fmt(declared), logged_text(logged)])
}

deny contains {"msg": sprintf("instructions for use give no per-group performance for %s", [lib.label(f)]), "evidence": [ifu.id]} if {
	lib.deployed
	some f in lib.list(lib.get(lib.data_of("plan"), "sensitive_features"))
	not lib.filled(lib.at(ifu.data, ["per_group_performance", f]))
}

deny contains {"msg": sprintf("deployed, but %s to check the declared metrics against", [lib.absent("run")]), "evidence": [ifu.id]} if {
	lib.deployed
	ifu
	not lib.has("run")
}

within(a, b) if {
	is_number(b)
	abs(a - b) <= lib.thresholds.measured_tolerance
}

logged_text(v) := "nothing" if v == null else := lib.label(v)
