# METADATA
# title: Incidents are classified, explained and corrected; serious ones reported
# description: >-
#   Every recorded incident must carry a severity, a root cause and a corrective action; a serious incident
#   must carry the reference of its report to the market surveillance authority.
# custom:
#   id: MON-006
#   severity: high
#   stage: monitoring
#   evidence: [incidents, deployment]
#   remediation: >-
#     Declare incidents.items (id, severity, serious, root_cause, corrective_action and, when serious,
#     regulator_reference); declare incidents with items: [] when there were none.
#   frameworks:
#     eu_ai_act: ["Art. 20", "Art. 73"]
#     nist_ai_rmf: ["MANAGE 2.3", "MANAGE 4.3"]
#     iso_42001: ["A.8.4"]
package ailm.controls.monitoring.mon_006

import data.ailm.lib
import rego.v1

inc := input.evidence.incidents

items := lib.list(lib.get(lib.data_of("incidents"), "items"))

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s (declare items: [] when there were none)", [lib.absent("incidents")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("incidents"))} if {
	lib.deployed
	not lib.has("incidents")
}

deny contains {"msg": lib.not_a_list("incidents.items", v), "evidence": [inc.id]} if {
	lib.deployed
	v := lib.get(inc.data, "items")
	not is_array(v)
}

deny contains {"msg": sprintf("incident %s has no %s", [lib.label(object.get(lib.obj(i), "id", n + 1)), f]), "evidence": [inc.id]} if {
	lib.deployed
	inc
	some n, i in items
	some f in ["severity", "root_cause", "corrective_action"]
	not lib.filled(lib.get(i, f))
}

deny contains {"msg": sprintf("serious incident %s has no regulator_reference (Art. 73)", [lib.label(object.get(lib.obj(i), "id", n + 1))]), "evidence": [inc.id]} if {
	lib.deployed
	inc
	some n, i in items
	lib.get(i, "serious") == true
	not lib.filled(lib.get(i, "regulator_reference"))
}
