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

shap := input.evidence.shap

result := lib.obj(lib.get(shap.data, "result"))

rows := lib.get(result, "rows_explained")

plan := lib.data_of("plan")

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["plan", "shap"]
	not lib.has(role)
}

deny contains {"msg": lib.not_a_number("SHAP rows_explained", rows), "evidence": [shap.id]} if {
	shap
	not is_number(rows)
}

deny contains {"msg": msg, "evidence": [shap.id]} if {
	is_number(rows)
	rows < lib.thresholds.shap_rows_min
	msg := sprintf("SHAP explained %s rows, fewer than %s", [lib.fmt(rows), lib.fmt(lib.thresholds.shap_rows_min)])
}

deny contains {"msg": lib.not_a_list("SHAP top_features", v), "evidence": [shap.id]} if {
	shap
	v := lib.get(result, "top_features")
	not is_array(v)
}

top contains f if {
	some i, f in lib.list(lib.get(result, "top_features"))
	i < lib.thresholds.shap_top_k
}

justified(f) if lib.filled(lib.at(plan, ["feature_justifications", f]))

deny contains {"msg": msg, "evidence": [input.evidence.plan.id, shap.id]} if {
	some f in top
	f in lib.list(lib.get(plan, "sensitive_features"))
	not justified(f)
	msg := sprintf("sensitive attribute %s is among the top %s features by mean |SHAP|, without a justification", [lib.label(f), lib.fmt(lib.thresholds.shap_top_k)])
}

deny contains {"msg": lib.not_a_number(sprintf("cramers_v (Cramer's V) of %s and %s", [lib.label(lib.get(pair, "feature")), lib.label(lib.get(pair, "sensitive"))]), v), "evidence": [shap.id]} if {
	some pair in lib.list(lib.at(result, ["proxy_check", "pairs"]))
	lib.get(pair, "feature") in top
	v := lib.get(pair, "cramers_v")
	v != null
	not is_number(v)
}

deny contains {"msg": msg, "evidence": [input.evidence.plan.id, shap.id]} if {
	some pair in lib.list(lib.at(result, ["proxy_check", "pairs"]))
	pair.feature in top
	is_number(pair.cramers_v)
	pair.cramers_v >= lib.thresholds.proxy_cramers_v_max
	not justified(pair.feature)
	msg := sprintf("top feature %s is a proxy for %s (Cramer's V %s >= %s), without a justification", [lib.label(pair.feature), lib.label(lib.get(pair, "sensitive")), lib.fmt(pair.cramers_v), lib.fmt(lib.thresholds.proxy_cramers_v_max)])
}
