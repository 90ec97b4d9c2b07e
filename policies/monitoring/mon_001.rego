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

drift := input.evidence.drift

result := lib.obj(lib.get(lib.data_of("drift"), "result"))

features := lib.list(lib.get(result, "features"))

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s: name a current sample under analysis.datasets.current", [lib.absent("drift")]), "evidence": [input.evidence.deployment.id]} if {
	lib.deployed
	not lib.has("drift")
}

# The features whose drift counts: the top SHAP features when explanations were measured, else every one.
watched contains f if {
	some i, f in lib.list(lib.at(lib.data_of("shap"), ["result", "top_features"]))
	i < lib.thresholds.psi_top_features
}

watched contains lib.get(f, "feature") if {
	not lib.has("shap")
	some f in features
}

psi contains {"name": lib.label(f.feature), "psi": lib.get(f, "psi")} if {
	some f in features
	lib.get(f, "feature") in watched
}

psi contains {"name": "the model score", "psi": lib.at(result, ["score", "psi"])} if is_object(lib.get(result, "score"))

deny contains {"msg": "the drift record holds no features", "evidence": [drift.id]} if {
	lib.deployed
	count(features) == 0
}

deny contains {"msg": lib.not_a_number(sprintf("PSI of %s", [p.name]), p.psi), "evidence": [drift.id]} if {
	lib.deployed
	some p in psi
	not is_number(p.psi)
}

deny contains {"msg": msg, "evidence": [drift.id]} if {
	lib.deployed
	some p in psi
	is_number(p.psi)
	p.psi >= lib.thresholds.psi_fail
	msg := sprintf("PSI of %s is %s, at or above %s", [p.name, lib.fmt(p.psi), lib.fmt(lib.thresholds.psi_fail)])
}

warn contains {"msg": msg, "evidence": [drift.id]} if {
	lib.deployed
	some p in psi
	is_number(p.psi)
	p.psi >= lib.thresholds.psi_warn
	p.psi < lib.thresholds.psi_fail
	msg := sprintf("PSI of %s is %s, between %s and %s", [p.name, lib.fmt(p.psi), lib.fmt(lib.thresholds.psi_warn), lib.fmt(lib.thresholds.psi_fail)])
}
