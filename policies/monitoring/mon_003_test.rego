package ailm.controls.monitoring.mon_003_test

import data.ailm.controls.monitoring.mon_003
import rego.v1

inp(acc) := {"evidence": {
	"deployment": {"id": "dep", "data": {}},
	"plan": {"id": "p", "data": {"success_metrics": [{"metric": "test_accuracy", "threshold": 0.8}]}},
	"run": {"id": "r", "data": {"metrics": {"test_accuracy": 0.86}}},
	"production": {"id": "prod", "data": {"windows": [{"end": "2026-10-01", "metrics": {"test_accuracy": 0.5}}, {"end": "2026-11-01", "metrics": {"test_accuracy": acc}}]}},
}}

test_pass_latest_window_holds if {
	count(mon_003.deny) == 0 with input as inp(0.84)
}

test_fail_below_threshold_and_dropped if {
	mon_003.deny == {
		{"msg": "production window ending 2026-11-01: test_accuracy = 0.78 below the declared 0.8", "evidence": ["prod", "p"]},
		{"msg": "production window ending 2026-11-01: test_accuracy = 0.78, down 0.08 from 0.86 at evaluation", "evidence": ["prod", "r"]},
	} with input as inp(0.78)
}

test_not_applicable_undeployed if {
	count(mon_003.not_applicable) == 1 with input as {"evidence": {}}
}
