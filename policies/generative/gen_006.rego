# METADATA
# title: Prompts the generative application serves are versioned and approved
# description: >-
#   An LLM application's behaviour is set by its prompts as much as by its model. The release must name the
#   prompt versions it serves from a prompt registry (MLflow's prompt registry: the run's linked prompts), and
#   each served version must have been approved (approved_by and approved_at tags on that version) by the audit
#   clock. A prompt served from code with no registered version, or a version changed after its approval, is
#   unreviewed behaviour in production.
# custom:
#   id: GEN-006
#   severity: high
#   stage: generative
#   evidence: [run, prompt_version, inventory, base_model]
#   remediation: >-
#     Register the prompts in MLflow's prompt registry, link the versions the release serves to its run
#     (link_prompt_version_to_run), and tag each served version with approved_by and approved_at after review;
#     an application that uses no prompt declares inventory.uses_prompts: false.
#   frameworks:
#     eu_ai_act: ["Art. 17(1)(b)", "Art. 12(1)", "Annex IV 2(b)"]
#     nist_ai_rmf: ["GOVERN 1.6", "GOVERN 1.4", "MEASURE 2.8"]
#     iso_42001: ["A.6.2.2", "A.6.2.5", "A.6.2.6"]
package ailm.controls.generative.gen_006

import data.ailm.lib
import rego.v1

run := input.evidence.run

served := lib.list(lib.get(lib.data_of("run"), "prompts"))

prompts := {p.id: p | some p in lib.records("prompt_version"); is_string(p.id)}

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

not_applicable contains "the application serves no prompt (inventory.uses_prompts: false)" if {
	lib.generative
	lib.get(lib.data_of("inventory"), "uses_prompts") == false
}

applies if {
	lib.generative
	lib.get(lib.data_of("inventory"), "uses_prompts") != false
}

deny contains {"msg": lib.absent("run"), "evidence": lib.absent_ids("run")} if {
	applies
	not lib.has("run")
}

deny contains {"msg": msg, "evidence": [run.id]} if {
	applies
	lib.has("run")
	count(served) == 0
	msg := "the release run links no prompt version (MLflow prompt registry, tag mlflow.linkedPrompts): the prompts it serves are not versioned"
}

name(ref) := sprintf("prompt %s version %s", [lib.label(lib.get(ref, "name")), lib.label(lib.get(ref, "version"))])

deny contains {"msg": sprintf("%s is served but no record of it was collected", [name(ref)]), "evidence": [run.id]} if {
	applies
	some ref in served
	not prompts[lib.get(ref, "evidence")]
}

deny contains {"msg": sprintf("%s is served without approval (no approved_by tag on the version)", [name(ref)]), "evidence": [p.id, run.id]} if {
	applies
	some ref in served
	p := prompts[lib.get(ref, "evidence")]
	not lib.filled(lib.get(lib.get(p.data, "tags"), "approved_by"))
}

deny contains {"msg": lib.not_a_date(sprintf("%s approved_at", [name(ref)]), v), "evidence": [p.id, run.id]} if {
	applies
	some ref in served
	p := prompts[lib.get(ref, "evidence")]
	v := lib.get(lib.get(p.data, "tags"), "approved_at")
	not lib.is_date(v)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [run.id]} if {
	applies
	count(served) > 0
	lib.no_clock
}

deny contains {"msg": sprintf("%s was approved on %s, after the audit clock", [name(ref), v]), "evidence": [p.id, run.id]} if {
	applies
	some ref in served
	p := prompts[lib.get(ref, "evidence")]
	v := lib.get(lib.get(p.data, "tags"), "approved_at")
	lib.days_since(v) < 0
}
