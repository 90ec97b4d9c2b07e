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

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("change")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("change"))} if {
	lib.deployed
	not input.evidence.change
}

deny contains {"msg": sprintf("change record declares no %s", [f]), "evidence": [c.id]} if {
	c := input.evidence.change
	some f in lib.unfilled(c, ["changelog", "substantial_modification", "rollback_target"])
}

deny contains {"msg": "a substantial modification has no conformity_assessment", "evidence": [c.id]} if {
	c := input.evidence.change
	c.data.substantial_modification == true
	not lib.filled(object.get(c.data, "conformity_assessment", null))
}

deny contains {"msg": msg, "evidence": [c.id, run.id]} if {
	c := input.evidence.change
	run := input.evidence.run
	some name, before in object.get(c.data, "previous_metrics", {})
	now := run.data.metrics[name]
	before - now > lib.thresholds.regression_max
	msg := sprintf("%s regressed from %v (version %v) to %v, more than %v", [name, before, object.get(c.data, "previous_version", "previous"), now, lib.thresholds.regression_max])
}
