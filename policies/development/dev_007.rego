# METADATA
# title: Explanations measured on enough rows; no sensitive attribute or proxy among the top features unjustified
# description: >-
#   ailm's SHAP measurement (evidence `shap`) must cover at least 1,000 rows. No sensitive attribute named in
#   the plan may be among the top 5 features by mean |SHAP|, and no top feature may be a strong proxy for one
#   (Cramer's V of at least 0.5 with the attribute), unless the plan's feature_justifications explain it.
# custom:
#   id: DEV-007
#   severity: medium
#   stage: development
#   evidence: [plan, shap]
#   remediation: >-
#     Remove the attribute or proxy, or state in the plan's feature_justifications why the model needs it
#     and how its effect was assessed; explain on at least 1,000 rows.
#   frameworks:
#     eu_ai_act: ["Art. 13(1)", "Art. 13(3)(d)", "Art. 14(4)(c)", "Annex IV 2(e)"]
#     nist_ai_rmf: ["MEASURE 2.9"]
#     iso_42001: ["A.8.2"]
package ailm.controls.development.dev_007

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "shap"]
	not input.evidence[role]
}

deny contains {"msg": msg, "evidence": [shap.id]} if {
	shap := input.evidence.shap
	shap.data.result.rows_explained < lib.thresholds.shap_rows_min
	msg := sprintf("SHAP explained %v rows, fewer than %v", [shap.data.result.rows_explained, lib.thresholds.shap_rows_min])
}

top contains f if {
	some i, f in input.evidence.shap.data.result.top_features
	i < lib.thresholds.shap_top_k
}

justified(f) if lib.filled(input.evidence.plan.data.feature_justifications[f])

deny contains {"msg": msg, "evidence": [input.evidence.plan.id, input.evidence.shap.id]} if {
	some f in top
	f in object.get(input.evidence.plan.data, "sensitive_features", [])
	not justified(f)
	msg := sprintf("sensitive attribute %s is among the top %v features by mean |SHAP|, without a justification", [f, lib.thresholds.shap_top_k])
}

deny contains {"msg": msg, "evidence": [input.evidence.plan.id, input.evidence.shap.id]} if {
	some pair in input.evidence.shap.data.result.proxy_check.pairs
	pair.feature in top
	is_number(pair.cramers_v)
	pair.cramers_v >= lib.thresholds.proxy_cramers_v_max
	not justified(pair.feature)
	msg := sprintf("top feature %s is a proxy for %s (Cramer's V %v >= %v), without a justification", [pair.feature, pair.sensitive, pair.cramers_v, lib.thresholds.proxy_cramers_v_max])
}
