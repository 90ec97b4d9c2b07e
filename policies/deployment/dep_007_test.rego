package ailm.controls.deployment.dep_007_test

import data.ailm.controls.deployment.dep_007
import rego.v1

good := {"cadence_days": 7, "alert_owner": "ml-oncall", "thresholds": {"performance": {"test_accuracy": 0.82}, "drift": {"psi": 0.25}, "fairness": {"demographic_parity_ratio": 0.8}}}

inp(m) := {"evidence": {"deployment": {"id": "dep", "data": {}}, "monitoring": {"id": "m", "data": m}}}

test_pass_configured if {
	count(dep_007.deny) == 0 with input as inp(good)
}

test_fail_no_fairness_threshold_and_slow_cadence if {
	dep_007.deny == {
		{"msg": "monitoring cadence is 30 days, more than 7", "evidence": ["m"]},
		{"msg": "monitoring sets no fairness threshold", "evidence": ["m"]},
	} with input as inp(json.patch(good, [{"op": "replace", "path": "/cadence_days", "value": 30}, {"op": "remove", "path": "/thresholds/fairness"}]))
}

test_fail_missing if {
	some f in dep_007.deny with input as {"evidence": {"deployment": {"id": "dep", "data": {}}}, "expired": []}
	f.msg == "deployed, but evidence 'monitoring' is missing"
}
