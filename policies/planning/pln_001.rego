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

deny contains {"msg": lib.absent("plan"), "evidence": lib.absent_ids("plan")} if not input.evidence.plan

deny contains {"msg": sprintf("plan declares no %s", [f]), "evidence": [plan.id]} if {
	plan := input.evidence.plan
	some f in lib.unfilled(plan, ["business_objective", "success_metrics", "feasibility"])
}

deny contains {"msg": sprintf("success metric %d lacks %s", [i + 1, f]), "evidence": [plan.id]} if {
	plan := input.evidence.plan
	some i, m in object.get(plan.data, "success_metrics", [])
	some f in ["metric", "threshold", "defined_at"]
	not lib.filled(object.get(m, f, null))
}

deny contains {"msg": msg, "evidence": [plan.id]} if {
	plan := input.evidence.plan
	feas := plan.data.feasibility
	object.get(feas, "decision", null) != "go"
	msg := sprintf("the feasibility decision is %v, not go", [object.get(feas, "decision", "(none)")])
}

deny contains {"msg": "the feasibility decision has no decided_at", "evidence": [input.evidence.plan.id]} if {
	feas := input.evidence.plan.data.feasibility
	not lib.filled(object.get(feas, "decided_at", null))
}

deny contains {"msg": msg, "evidence": [plan.id, run.id]} if {
	plan := input.evidence.plan
	run := input.evidence.run
	lib.ns(plan.data.feasibility.decided_at) >= lib.ns(run.data.started_at)
	msg := sprintf("the feasibility decision (%s) is not before the training run started (%s)", [plan.data.feasibility.decided_at, run.data.started_at])
}
