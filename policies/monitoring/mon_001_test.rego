package ailm.controls.monitoring.mon_001_test

import data.ailm.controls.monitoring.mon_001
import rego.v1

inp(age_psi, score_psi) := {
	"evidence": {
		"deployment": {"id": "dep1", "data": {}},
		"shap": {"id": "shap1", "data": {"result": {"top_features": ["age"]}}},
		"drift": {"id": "drift1", "data": {"result": {
			"features": [{"feature": "age", "psi": age_psi}, {"feature": "zip", "psi": 0.9}],
			"score": {"psi": score_psi},
		}}},
	},
	"expired": [],
}

test_pass_stable if {
	count(mon_001.deny) == 0 with input as inp(0.01, 0.02)
	count(mon_001.warn) == 0 with input as inp(0.01, 0.02)
}

test_warn_band if {
	mon_001.warn == {{"msg": "PSI of age is 0.15, between 0.1 and 0.25", "evidence": ["drift1"]}} with input as inp(0.15, 0.02)
}

test_fail_score if {
	mon_001.deny == {{"msg": "PSI of the model score is 0.3, at or above 0.25", "evidence": ["drift1"]}} with input as inp(0.01, 0.3)
}

test_only_top_features_count_when_explained if {
	# zip drifts (0.9) but is not among the top SHAP features
	count(mon_001.deny) == 0 with input as inp(0.01, 0.02)
	some f in mon_001.deny with input as json.remove(inp(0.01, 0.02), ["evidence/shap"])
	f.msg == "PSI of zip is 0.9, at or above 0.25"
}

test_fail_no_drift_when_deployed if {
	some f in mon_001.deny with input as json.remove(inp(0.01, 0.02), ["evidence/drift"])
	f.msg == "deployed, but evidence 'drift' is missing: name a current sample under analysis.datasets.current"
}

test_not_applicable_undeployed if {
	count(mon_001.not_applicable) == 1 with input as json.remove(inp(0.5, 0.5), ["evidence/deployment"])
	count(mon_001.deny) == 0 with input as json.remove(inp(0.5, 0.5), ["evidence/deployment"])
}
