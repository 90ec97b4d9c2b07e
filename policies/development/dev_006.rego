# METADATA
# title: Robustness suite ran; performance under perturbation within the allowed drop
# description: >-
#   A robustness test suite (noise, missing values, shifted inputs, adversarial examples) must have run on
#   this model version, and the metric under each perturbation may not fall more than robustness_drop_max
#   below the clean value.
# custom:
#   id: DEV-006
#   severity: high
#   stage: development
#   evidence: [robustness]
#   remediation: >-
#     Run a robustness suite and declare robustness with suite, ran_at, metric, clean (the unperturbed
#     value) and results (perturbation, value).
#   frameworks:
#     eu_ai_act: ["Art. 15(4)", "Art. 15(5)"]
#     nist_ai_rmf: ["MEASURE 2.6", "MEASURE 2.7"]
#     iso_42001: ["A.6.2.4"]
package ailm.controls.development.dev_006

import data.ailm.lib
import rego.v1

rb := input.evidence.robustness

clean := lib.get(rb.data, "clean")

deny contains {"msg": lib.absent("robustness"), "evidence": lib.absent_ids("robustness")} if not lib.has("robustness")

deny contains {"msg": sprintf("robustness declares no %s", [f]), "evidence": [rb.id]} if {
	some f in lib.unfilled(rb, ["suite", "ran_at", "metric", "clean", "results"])
}

deny contains {"msg": lib.not_a_number("robustness.clean", clean), "evidence": [rb.id]} if {
	lib.filled(clean)
	not is_number(clean)
}

deny contains {"msg": lib.not_a_date("robustness.ran_at", v), "evidence": [rb.id]} if {
	v := lib.get(rb.data, "ran_at")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.not_a_list("robustness.results", v), "evidence": [rb.id]} if {
	v := lib.get(rb.data, "results")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": lib.not_a_number(sprintf("robustness result %d value", [i + 1]), v), "evidence": [rb.id]} if {
	some i, r in lib.list(lib.get(rb.data, "results"))
	v := lib.get(r, "value")
	not is_number(v)
}

deny contains {"msg": msg, "evidence": [rb.id]} if {
	is_number(clean)
	some r in lib.list(lib.get(rb.data, "results"))
	value := lib.get(r, "value")
	is_number(value)
	drop := clean - value
	drop > lib.thresholds.robustness_drop_max
	msg := sprintf("%s falls from %s to %s under %s (drop %s, more than %s)", [lib.label(lib.get(rb.data, "metric")), lib.fmt(clean), lib.fmt(value), lib.label(lib.get(r, "perturbation")), lib.fmt(round(drop * 1000) / 1000), lib.fmt(lib.thresholds.robustness_drop_max)])
}

deny contains {"msg": msg, "evidence": [rb.id, reg.id]} if {
	reg := input.evidence.reg
	v := object.get(rb.data, "model_version", lib.get(reg.data, "version"))
	v != lib.get(reg.data, "version")
	msg := sprintf("the robustness suite ran on version %s, not on version %s", [lib.label(v), lib.label(lib.get(reg.data, "version"))])
}
