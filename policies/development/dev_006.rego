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

deny contains {"msg": lib.absent("robustness"), "evidence": lib.absent_ids("robustness")} if not input.evidence.robustness

deny contains {"msg": sprintf("robustness declares no %s", [f]), "evidence": [rb.id]} if {
	rb := input.evidence.robustness
	some f in lib.unfilled(rb, ["suite", "ran_at", "metric", "clean", "results"])
}

deny contains {"msg": msg, "evidence": [rb.id]} if {
	rb := input.evidence.robustness
	some r in rb.data.results
	drop := rb.data.clean - r.value
	drop > lib.thresholds.robustness_drop_max
	msg := sprintf("%s falls from %v to %v under %s (drop %v, more than %v)", [rb.data.metric, rb.data.clean, r.value, r.perturbation, round(drop * 1000) / 1000, lib.thresholds.robustness_drop_max])
}

deny contains {"msg": msg, "evidence": [rb.id, reg.id]} if {
	rb := input.evidence.robustness
	reg := input.evidence.reg
	v := object.get(rb.data, "model_version", reg.data.version)
	v != reg.data.version
	msg := sprintf("the robustness suite ran on version %v, not on version %v", [v, reg.data.version])
}
