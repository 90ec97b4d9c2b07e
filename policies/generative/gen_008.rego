# METADATA
# title: Guardrails and content filters configured, enabled and tested
# description: >-
#   A deployed generative application must declare the guardrails between users and the model: which input
#   and output filters run (name, what they apply to, their threshold or rule), that each is enabled, and when
#   each was last tested against its purpose, within guardrail_test_days_max days of the audit.
# custom:
#   id: GEN-008
#   severity: high
#   stage: generative
#   evidence: [guardrails, inventory, base_model]
#   remediation: >-
#     Declare guardrails with filters (name, applies_to: input or output, threshold or rule, enabled: true,
#     tested_at) and re-test each filter at least every guardrail_test_days_max days.
#   frameworks:
#     eu_ai_act: ["Art. 15(5)", "Art. 9(2)(d)", "Art. 55(1)(b)"]
#     nist_ai_rmf: ["MANAGE 1.3", "MANAGE 2.4", "MEASURE 2.7"]
#     iso_42001: ["A.6.2.5", "A.6.2.6"]
package ailm.controls.generative.gen_008

import data.ailm.lib
import rego.v1

g := input.evidence.guardrails

filters := lib.get(lib.data_of("guardrails"), "filters")

fname(f, i) := lib.label(object.get(lib.obj(f), "name", i + 1))

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

deny contains {"msg": lib.absent("guardrails"), "evidence": lib.absent_ids("guardrails")} if {
	lib.generative
	not lib.has("guardrails")
}

deny contains {"msg": "guardrails declares no filters", "evidence": [g.id]} if {
	lib.generative
	lib.has("guardrails")
	not lib.filled(filters)
}

deny contains {"msg": lib.not_a_list("guardrails.filters", filters), "evidence": [g.id]} if {
	lib.generative
	lib.filled(filters)
	not is_array(filters)
}

deny contains {"msg": sprintf("guardrail %s declares no %s", [fname(f, i), k]), "evidence": [g.id]} if {
	lib.generative
	some i, f in lib.list(filters)
	some k in ["name", "applies_to", "tested_at"]
	not lib.filled(lib.get(f, k))
}

deny contains {"msg": sprintf("guardrail %s declares neither a threshold nor a rule", [fname(f, i)]), "evidence": [g.id]} if {
	lib.generative
	some i, f in lib.list(filters)
	not lib.filled(lib.get(f, "threshold"))
	not lib.filled(lib.get(f, "rule"))
}

deny contains {"msg": sprintf("guardrail %s applies_to is %s, not input or output", [fname(f, i), lib.show(v)]), "evidence": [g.id]} if {
	lib.generative
	some i, f in lib.list(filters)
	v := lib.get(f, "applies_to")
	lib.filled(v)
	not v in {"input", "output"}
}

deny contains {"msg": sprintf("guardrail %s is not enabled", [fname(f, i)]), "evidence": [g.id]} if {
	lib.generative
	some i, f in lib.list(filters)
	lib.get(f, "enabled") != true
}

deny contains {"msg": lib.not_a_date(sprintf("guardrail %s tested_at", [fname(f, i)]), v), "evidence": [g.id]} if {
	lib.generative
	some i, f in lib.list(filters)
	v := lib.get(f, "tested_at")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [g.id]} if {
	lib.generative
	count(lib.list(filters)) > 0
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [g.id]} if {
	lib.generative
	some i, f in lib.list(filters)
	age := lib.days_since(lib.get(f, "tested_at"))
	age > lib.thresholds.guardrail_test_days_max
	msg := sprintf("guardrail %s was last tested %s, %s days ago (more than %s)", [fname(f, i), f.tested_at, lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.guardrail_test_days_max)])
}
