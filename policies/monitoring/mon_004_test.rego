package ailm.controls.monitoring.mon_004_test

import data.ailm.controls.monitoring.mon_004
import rego.v1

fair(dpr) := {"demographic_parity_ratio": dpr, "demographic_parity_difference": 0.05, "equalized_odds_difference": 0.04, "min_group_n": 420}

inp(m) := {"evidence": {
	"deployment": {"id": "dep", "data": {}},
	"plan": {"id": "p", "data": {"sensitive_features": ["sex"]}},
	"production": {"id": "prod", "data": {"windows": [{"end": "2026-11-01", "fairness": {"sex": m}}]}},
}}

test_pass_fair_in_production if {
	count(mon_004.deny) == 0 with input as inp(fair(0.9))
}

test_fail_ratio_below_four_fifths if {
	mon_004.deny == {{"msg": "production window ending 2026-11-01: sex demographic_parity_ratio = 0.6 breaks the limit 0.8", "evidence": ["prod"]}} with input as inp(fair(0.6))
}

test_fail_insufficient_group if {
	some f in mon_004.deny with input as inp(object.union(fair(0.9), {"min_group_n": 12}))
	contains(f.msg, "insufficient evidence")
}
