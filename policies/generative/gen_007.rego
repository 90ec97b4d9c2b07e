# METADATA
# title: Retrieval-augmented application has known retrieval sources and a groundedness evaluation
# description: >-
#   An application that answers from retrieved documents (RAG) must name its retrieval sources as datasets
#   (each with an owner and a review date, and joined to the lineage graph like any other dataset where the
#   evidence links it) and must evaluate groundedness or hallucination: at least one plan task marked
#   groundedness: true, with a result that meets its threshold (GEN-001 judges the threshold, GEN-005 its
#   adequacy; here the task must exist and have a result).
# custom:
#   id: GEN-007
#   severity: high
#   stage: generative
#   evidence: [retrieval, plan, inspect_eval, gen_eval, inventory, base_model]
#   remediation: >-
#     Declare retrieval with sources (name, owner, reviewed_at) and add a groundedness task to plan.gen_tasks
#     (groundedness: true) evaluated by Inspect or a declared harness; an application that retrieves nothing
#     declares inventory.uses_retrieval: false.
#   frameworks:
#     eu_ai_act: ["Art. 15(1)", "Art. 10(2)", "Art. 13(3)(b)"]
#     nist_ai_rmf: ["MEASURE 2.5", "MEASURE 2.9", "MAP 2.3"]
#     iso_42001: ["A.7.2", "A.6.2.4"]
package ailm.controls.generative.gen_007

import data.ailm.lib
import data.ailm.lib.genai
import rego.v1

uses_retrieval if lib.get(lib.data_of("inventory"), "uses_retrieval") == true

uses_retrieval if lib.has("retrieval")

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

not_applicable contains "the application retrieves nothing (no retrieval fact, inventory.uses_retrieval not true)" if {
	lib.generative
	not uses_retrieval
}

sources := lib.get(lib.data_of("retrieval"), "sources")

deny contains {"msg": lib.absent("retrieval"), "evidence": lib.id_of("inventory")} if {
	lib.generative
	uses_retrieval
	not lib.has("retrieval")
}

deny contains {"msg": "retrieval declares no sources", "evidence": [input.evidence.retrieval.id]} if {
	lib.generative
	lib.has("retrieval")
	not lib.filled(sources)
}

deny contains {"msg": lib.not_a_list("retrieval.sources", sources), "evidence": [input.evidence.retrieval.id]} if {
	lib.generative
	lib.filled(sources)
	not is_array(sources)
}

deny contains {"msg": sprintf("retrieval source %s declares no %s", [lib.label(object.get(lib.obj(s), "name", i + 1)), f]), "evidence": [input.evidence.retrieval.id]} if {
	lib.generative
	some i, s in lib.list(sources)
	some f in ["name", "owner", "reviewed_at"]
	not lib.filled(lib.get(s, f))
}

deny contains {"msg": lib.not_a_date(sprintf("retrieval source %s reviewed_at", [lib.label(lib.get(s, "name"))]), v), "evidence": [input.evidence.retrieval.id]} if {
	lib.generative
	some s in lib.list(sources)
	v := lib.get(s, "reviewed_at")
	lib.filled(v)
	not lib.is_date(v)
}

grounded_tasks := [t | some t in genai.tasks; lib.get(t, "groundedness") == true]

deny contains {"msg": "no plan task evaluates groundedness (plan.gen_tasks with groundedness: true)", "evidence": lib.id_of("plan")} if {
	lib.generative
	uses_retrieval
	count(grounded_tasks) == 0
}

deny contains {"msg": sprintf("groundedness task %s (%s) has no evaluation result", [lib.label(lib.get(t, "task")), lib.label(lib.get(t, "metric"))]), "evidence": lib.id_of("plan")} if {
	lib.generative
	uses_retrieval
	some t in grounded_tasks
	not genai.result(lib.get(t, "task"), lib.get(t, "metric"))
}
