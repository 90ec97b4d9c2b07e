# METADATA
# title: Objective, success metrics and a feasibility decision before training
# description: >-
#   The plan must state the business objective and measurable success metrics (metric, threshold, date
#   defined), and record a "go" feasibility decision dated before the first training run.
# custom:
#   id: PLN-001
#   severity: medium
#   stage: planning
#   evidence: [plan, run]
#   remediation: >-
#     Declare plan.business_objective, plan.success_metrics (metric, threshold, defined_at) and
#     plan.feasibility with decision "go" and decided_at before the training run started.
#   frameworks:
#     eu_ai_act: ["Art. 9(8)", "Annex IV 1(a)"]
#     nist_ai_rmf: ["MAP 1.3", "MAP 1.4", "MANAGE 1.1"]
#     iso_42001: ["A.6.1.2", "A.6.2.2"]
package ailm.controls.planning.pln_001

import data.ailm.lib
import rego.v1

plan := input.evidence.plan

metrics := lib.list(lib.get(plan.data, "success_metrics"))

feasibility := lib.get(plan.data, "feasibility")

deny contains {"msg": lib.absent("plan"), "evidence": lib.absent_ids("plan")} if not lib.has("plan")

deny contains {"msg": sprintf("plan declares no %s", [f]), "evidence": [plan.id]} if {
	some f in lib.unfilled(plan, ["business_objective", "success_metrics", "feasibility"])
}

deny contains {"msg": lib.not_a_list("plan.success_metrics", v), "evidence": [plan.id]} if {
	v := lib.get(plan.data, "success_metrics")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": sprintf("success metric %d lacks %s", [i + 1, f]), "evidence": [plan.id]} if {
	some i, m in metrics
	some f in ["metric", "threshold", "defined_at"]
	not lib.filled(lib.get(m, f))
}

deny contains {"msg": lib.not_a_number(sprintf("success metric %d threshold", [i + 1]), v), "evidence": [plan.id]} if {
	some i, m in metrics
	v := lib.get(m, "threshold")
	lib.filled(v)
	not is_number(v)
}

deny contains {"msg": lib.not_a_date(sprintf("success metric %d defined_at", [i + 1]), v), "evidence": [plan.id]} if {
	some i, m in metrics
	v := lib.get(m, "defined_at")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": msg, "evidence": [plan.id]} if {
	lib.filled(feasibility)
	decision := lib.get(feasibility, "decision")
	decision != "go"
	msg := sprintf("the feasibility decision is %s, not go", [lib.label(decision)])
}

deny contains {"msg": "the feasibility decision has no decided_at", "evidence": [plan.id]} if {
	lib.filled(feasibility)
	not lib.filled(lib.get(feasibility, "decided_at"))
}

deny contains {"msg": lib.not_a_date("feasibility.decided_at", v), "evidence": [plan.id]} if {
	v := lib.get(feasibility, "decided_at")
	lib.filled(v)
	not lib.is_date(v)
}

deny contains {"msg": lib.not_a_date(sprintf("training run %s started_at", [lib.label(lib.get(run.data, "run_id"))]), v), "evidence": [run.id]} if {
	plan
	run := input.evidence.run
	v := lib.get(run.data, "started_at")
	not lib.is_date(v)
}

deny contains {"msg": sprintf("%s to show the feasibility decision came before training", [lib.absent("run")]), "evidence": [plan.id]} if {
	plan
	not lib.has("run")
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	run := input.evidence.run
	lib.ns(feasibility.decided_at) >= lib.ns(run.data.started_at)
	msg := sprintf("the feasibility decision (%s) is not before the training run started (%s)", [feasibility.decided_at, run.data.started_at])
}
