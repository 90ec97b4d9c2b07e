package ailm.controls.monitoring.mon_002_test

import data.ailm.controls.monitoring.mon_002
import rego.v1

inp(rows, f) := {"evidence": {"deployment": {"id": "dep", "data": {}}, "drift": {"id": "d", "data": {"result": {"current_rows": rows, "bonferroni_alpha": 0.005, "features": [f]}}}}}

ks(js, p) := {"feature": "age", "test": "kolmogorov-smirnov", "js_distance": js, "statistic": js, "p_value": p, "reference_rows": 20000, "current_rows": 500}

test_pass_small_sample_not_significant if {
	count(mon_002.deny) == 0 with input as inp(500, ks(0.05, 0.2))
}

test_pass_large_sample_small_effect if {
	count(mon_002.deny) == 0 with input as inp(50000, ks(0.02, 0.000001))
}

test_fail_small_sample_significant if {
	mon_002.deny == {{"msg": "age drifted: kolmogorov-smirnov p = 0.001 below the Bonferroni alpha 0.005 (500 current rows)", "evidence": ["d"]}} with input as inp(500, ks(0.2, 0.001))
}

test_fail_large_sample_large_effect if {
	some f in mon_002.deny with input as inp(50000, ks(0.3, 0.0))
	f.msg == "age drifted: Jensen-Shannon distance 0.3 at or above 0.1 (50000 current rows)"
}

test_not_applicable_undeployed if {
	mon_002.not_applicable == {"the version has no declared deployment"} with input as {"evidence": {}}
}
