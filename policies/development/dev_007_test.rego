package ailm.controls.development.dev_007_test

import data.ailm.controls.development.dev_007
import rego.v1

inp(top, pairs, rows) := {
	"evidence": {
		"plan": {"id": "plan1", "data": {"sensitive_features": ["sex"]}},
		"shap": {"id": "shap1", "data": {"result": {"rows_explained": rows, "top_features": top, "proxy_check": {"pairs": pairs}}}},
	},
	"expired": [],
}

test_pass if {
	count(dev_007.deny) == 0 with input as inp(["age", "hours"], [{"feature": "age", "sensitive": "sex", "cramers_v": 0.1}], 1000)
}

test_fail_too_few_rows if {
	dev_007.deny == {{"msg": "SHAP explained 200 rows, fewer than 1000", "evidence": ["shap1"]}} with input as inp(["age"], [], 200)
}

test_fail_sensitive_in_top if {
	dev_007.deny == {{"msg": "sensitive attribute sex is among the top 5 features by mean |SHAP|, without a justification", "evidence": ["plan1", "shap1"]}} with input as inp(["age", "sex"], [], 1000)
}

test_fail_proxy_in_top if {
	dev_007.deny == {{"msg": "top feature relationship is a proxy for sex (Cramer's V 0.65 >= 0.5), without a justification", "evidence": ["plan1", "shap1"]}} with input as inp(["relationship"], [{"feature": "relationship", "sensitive": "sex", "cramers_v": 0.65}], 1000)
}

test_proxy_outside_top_k_passes if {
	top := ["a", "b", "c", "d", "e", "relationship"]
	count(dev_007.deny) == 0 with input as inp(top, [{"feature": "relationship", "sensitive": "sex", "cramers_v": 0.65}], 1000)
}

test_justified_proxy_passes if {
	justified := json.patch(inp(["relationship"], [{"feature": "relationship", "sensitive": "sex", "cramers_v": 0.65}], 1000), [{"op": "add", "path": "/evidence/plan/data/feature_justifications", "value": {"relationship": "household role; reviewed in RA-7"}}])
	count(dev_007.deny) == 0 with input as justified
}

test_fail_missing if {
	some f in dev_007.deny with input as json.remove(inp([], [], 1000), ["evidence/shap"])
	f.msg == "evidence 'shap' is missing"
}
