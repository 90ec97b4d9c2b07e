# METADATA
# title: No drift on the most important features or the score (population stability index)
# description: >-
#   For a deployed version, ailm's drift measurement (evidence `drift`) between the training data and the
#   current sample: the PSI of the model score and of the top 10 features by mean |SHAP| (every feature if
#   there is no explanation) must be below 0.1 to pass; 0.1 to 0.25 warns; 0.25 or more fails. The bands
#   come from credit-scoring practice. Not applicable to a version not deployed.
# custom:
#   id: MON-001
#   severity: high
#   stage: monitoring
#   evidence: [deployment, drift, shap]
#   remediation: >-
#     Investigate the shift (data pipeline change, new population), retrain or recalibrate on current data,
#     and re-audit; declare the current sample under analysis.datasets.current.
#   frameworks:
#     eu_ai_act: ["Art. 12(2)(b)", "Art. 72(2)"]
#     nist_ai_rmf: ["MEASURE 2.4"]
#     iso_42001: ["A.6.2.6"]
package ailm.controls.monitoring.mon_001

import data.ailm.lib
import rego.v1

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s: name a current sample under analysis.datasets.current", [lib.absent("drift")]), "evidence": [input.evidence.deployment.id]} if {
	lib.deployed
	not input.evidence.drift
}

watched contains f if {
	some i, f in input.evidence.shap.data.result.top_features
	i < lib.thresholds.psi_top_features
}

watched contains f.feature if {
	not input.evidence.shap
	some f in input.evidence.drift.data.result.features
}

psi contains {"name": f.feature, "psi": f.psi} if {
	some f in input.evidence.drift.data.result.features
	f.feature in watched
	is_number(f.psi)
}

psi contains {"name": "the model score", "psi": input.evidence.drift.data.result.score.psi} if is_number(input.evidence.drift.data.result.score.psi)

deny contains {"msg": msg, "evidence": [input.evidence.drift.id]} if {
	lib.deployed
	some p in psi
	p.psi >= lib.thresholds.psi_fail
	msg := sprintf("PSI of %s is %v, at or above %v", [p.name, p.psi, lib.thresholds.psi_fail])
}

warn contains {"msg": msg, "evidence": [input.evidence.drift.id]} if {
	lib.deployed
	some p in psi
	p.psi >= lib.thresholds.psi_warn
	p.psi < lib.thresholds.psi_fail
	msg := sprintf("PSI of %s is %v, between %v and %v", [p.name, p.psi, lib.thresholds.psi_warn, lib.thresholds.psi_fail])
}
