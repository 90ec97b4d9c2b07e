# METADATA
# title: Changes logged, substantial modifications flagged, no regression, rollback ready
# description: >-
#   Each deployed version must have a change-log entry stating whether the change is a substantial
#   modification (which needs a new conformity assessment), a rollback target, and, when it replaces a
#   previous version, no drop of the primary metric of more than regression_max against that version.
# custom:
#   id: DEP-006
#   severity: high
#   stage: deployment
#   evidence: [change, deployment, run]
#   remediation: >-
#     Declare change with changelog, substantial_modification (true/false), rollback_target and, when a
#     version is replaced, previous_version and previous_metrics (name: value); a substantial modification
#     needs conformity_assessment.
#   frameworks:
#     eu_ai_act: ["Art. 11", "Annex IV 2(f)", "Annex IV 6"]
#     nist_ai_rmf: ["MANAGE 2.2", "MANAGE 4.2"]
#     iso_42001: ["A.6.2.5", "A.6.2.7"]
package ailm.controls.deployment.dep_006

import data.ailm.lib
import rego.v1

c := input.evidence.change

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("change")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("change"))} if {
	lib.deployed
	not lib.has("change")
}

deny contains {"msg": sprintf("change record declares no %s", [f]), "evidence": [c.id]} if {
	lib.deployed
	some f in lib.unfilled(c, ["changelog", "substantial_modification", "rollback_target"])
}

deny contains {"msg": sprintf("change record substantial_modification is %s, not true or false", [lib.show(v)]), "evidence": [c.id]} if {
	lib.deployed
	v := lib.get(c.data, "substantial_modification")
	lib.filled(v)
	not is_boolean(v)
}

deny contains {"msg": "a substantial modification has no conformity_assessment", "evidence": [c.id]} if {
	lib.deployed
	lib.get(c.data, "substantial_modification") == true
	not lib.filled(lib.get(c.data, "conformity_assessment"))
}

deny contains {"msg": lib.not_a_number(sprintf("change record previous_metrics.%s", [name]), before), "evidence": [c.id]} if {
	lib.deployed
	some name, before in lib.obj(lib.get(c.data, "previous_metrics"))
	not is_number(before)
}

deny contains {"msg": sprintf("%s was measured before (version %s) but not by run %s", [name, previous(c), lib.label(lib.get(run.data, "run_id"))]), "evidence": [c.id, run.id]} if {
	lib.deployed
	run := input.evidence.run
	some name, before in lib.obj(lib.get(c.data, "previous_metrics"))
	is_number(before)
	not is_number(lib.get(lib.get(run.data, "metrics"), name))
}

deny contains {"msg": msg, "evidence": [c.id, run.id]} if {
	lib.deployed
	run := input.evidence.run
	some name, before in lib.obj(lib.get(c.data, "previous_metrics"))
	now := lib.get(lib.get(run.data, "metrics"), name)
	is_number(before)
	is_number(now)
	before - now > lib.thresholds.regression_max
	msg := sprintf("%s regressed from %s (version %s) to %s, more than %s", [name, lib.fmt(before), previous(c), lib.fmt(now), lib.fmt(lib.thresholds.regression_max)])
}

deny contains {"msg": sprintf("previous_metrics are declared, but %s to compare them with", [lib.absent("run")]), "evidence": [c.id]} if {
	lib.deployed
	count(lib.obj(lib.get(c.data, "previous_metrics"))) > 0
	not lib.has("run")
}

previous(c) := lib.label(object.get(c.data, "previous_version", "previous"))
