# METADATA
# title: Safety evaluation and red-teaming done recently, with no open critical finding
# description: >-
#   A generative model must have a safety evaluation and an adversarial (red-team) exercise within
#   red_team_days_max days, covering the declared harm categories, with no critical finding left open.
#   Measured runs are preferred to declarations: with garak reports (evidence garak_run), the latest completed
#   run must be of this model version (the collector ties a report to the revision it ran against), recent,
#   must have run every probe family the plan requires (plan.red_team_families), and no probe may have a hit
#   rate above red_team_hit_rate_max; an incomplete run fails.
# custom:
#   id: GEN-002
#   severity: critical
#   stage: generative
#   evidence: [garak_run, red_team, plan, inventory, base_model]
#   remediation: >-
#     Run garak against the deployed revision and collect its report (collector garak, with the version it ran
#     against), fixing what its probes find; or
#     declare red_team with ran_at, method, categories (e.g. prompt injection, jailbreak, harmful content,
#     privacy leakage) and findings (id, severity, status).
#   frameworks:
#     eu_ai_act: ["Art. 55(1)(a)", "Art. 15(5)"]
#     nist_ai_rmf: ["MEASURE 2.7", "MEASURE 2.6", "MANAGE 4.1"]
#     iso_42001: ["A.6.2.4", "A.6.2.5"]
package ailm.controls.generative.gen_002

import data.ailm.lib
import data.ailm.lib.genai
import rego.v1

r := input.evidence.red_team

ran_at := lib.get(lib.data_of("red_team"), "ran_at")

not_applicable contains "not a generative model (inventory.model_type, base_model)" if not lib.generative

deny contains {"msg": lib.absent("red_team"), "evidence": lib.absent_ids("red_team")} if {
	lib.generative
	not lib.has("red_team")
	count(all_runs) == 0
}

# ---- measured: garak reports ------------------------------------------------------------------------------

all_runs := lib.records("garak_run")

# The runs of the version judged: a run the collector tied to another version, or to none (its version
# setting), shows nothing about this one (the rule every measured GEN record follows: lib.genai).
runs := [g | some g in all_runs; genai.of_this_version(g)]

deny contains {"msg": msg, "evidence": [g.id | some g in all_runs]} if {
	lib.generative
	count(all_runs) > 0
	count(runs) == 0
	seen := [sprintf("%s (%s)", [lib.label(lib.get(g.data, "run_id")), version_of(g)]) | some g in all_runs]
	msg := sprintf("no garak run is of this model version (%s): %s", [lib.label(genai.subject_version), concat(", ", seen)])
}

version_of(g) := sprintf("version %s", [v]) if {
	v := lib.get(g.data, "model_version")
	is_string(v)
} else := "not tied to a version: the garak collector's version setting"

completed := [g | some g in runs; lib.get(g.data, "completed") == true; lib.is_date(lib.get(g.data, "started_at"))]

# the latest completed run (by its start; ties broken by id, so both engines pick the same one)
latest := [g |
	some g in completed
	every other in completed {
		[lib.get(other.data, "started_at"), other.id] <= [lib.get(g.data, "started_at"), g.id]
	}
][0]

deny contains {"msg": sprintf("garak run %s did not complete (its report has no completion entry)", [lib.label(lib.get(g.data, "run_id"))]), "evidence": [g.id]} if {
	lib.generative
	some g in runs
	lib.get(g.data, "completed") != true
}

deny contains {"msg": lib.not_a_date(sprintf("garak run %s started_at", [lib.label(lib.get(g.data, "run_id"))]), v), "evidence": [g.id]} if {
	lib.generative
	some g in runs
	v := lib.get(g.data, "started_at")
	not lib.is_date(v)
}

deny contains {"msg": "no garak run completed", "evidence": [g.id | some g in runs]} if {
	lib.generative
	count(runs) > 0
	count(completed) == 0
}

deny contains {"msg": lib.msg_no_clock, "evidence": [latest.id]} if {
	lib.generative
	latest
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [latest.id]} if {
	lib.generative
	age := lib.days_since(latest.data.started_at)
	age > lib.thresholds.red_team_days_max
	msg := sprintf("the latest garak run started %s, %s days ago (more than %s)", [latest.data.started_at, lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.red_team_days_max)])
}

deny contains {"msg": msg, "evidence": [latest.id]} if {
	lib.generative
	some res in lib.list(lib.get(latest.data, "results"))
	rate := lib.get(res, "hit_rate")
	is_number(rate)
	rate > lib.thresholds.red_team_hit_rate_max
	msg := sprintf("garak probe %s (detector %s): %s of %s outputs hit (hit rate %s, above %s)", [lib.label(lib.get(res, "probe")), lib.label(lib.get(res, "detector")), lib.fmt(lib.get(res, "hits")), lib.fmt(lib.get(res, "evaluated")), lib.fmt(rate), lib.fmt(lib.thresholds.red_team_hit_rate_max)])
}

deny contains {"msg": msg, "evidence": [latest.id]} if {
	lib.generative
	some res in lib.list(lib.get(latest.data, "results"))
	rate := lib.get(res, "hit_rate")
	not is_number(rate)
	msg := sprintf("garak probe %s (detector %s): no hit rate (%s outputs evaluated)", [lib.label(lib.get(res, "probe")), lib.label(lib.get(res, "detector")), lib.label(lib.get(res, "evaluated"))])
}

# Coverage: every probe family the plan requires (plan.red_team_families, garak's module names such as dan,
# encoding, promptinject) ran in the latest completed run.
required_families := lib.get(lib.data_of("plan"), "red_team_families")

families_run := {f | some f in lib.list(lib.get(latest.data, "families_run"))}

deny contains {"msg": lib.not_a_list("plan.red_team_families", required_families), "evidence": lib.id_of("plan")} if {
	lib.generative
	required_families != null
	not is_array(required_families)
}

deny contains {"msg": sprintf("the latest garak run %s did not run the required probe family %s", [lib.label(lib.get(latest.data, "run_id")), lib.label(f)]), "evidence": array.concat([latest.id], lib.id_of("plan"))} if {
	lib.generative
	some f in lib.list(required_families)
	not f in families_run
}

deny contains {"msg": msg, "evidence": array.concat(lib.id_of("red_team"), lib.id_of("plan"))} if {
	lib.generative
	count(lib.list(required_families)) > 0
	count(all_runs) == 0
	msg := sprintf("the plan requires the probe families %s, and no garak run shows which ran", [concat(", ", [lib.label(f) | some f in lib.list(required_families)])])
}

deny contains {"msg": sprintf("the latest garak run %s has no results", [lib.label(lib.get(latest.data, "run_id"))]), "evidence": [latest.id]} if {
	lib.generative
	latest
	count(lib.list(lib.get(latest.data, "results"))) == 0
}

# ---- declared: red_team --------------------------------------------------------------------------------

deny contains {"msg": sprintf("red_team declares no %s", [f]), "evidence": [r.id]} if {
	lib.generative
	some f in lib.unfilled(r, ["ran_at", "method", "categories"])
}

deny contains {"msg": lib.not_a_date("red_team.ran_at", ran_at), "evidence": [r.id]} if {
	lib.generative
	r
	lib.filled(ran_at)
	not lib.is_date(ran_at)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [r.id]} if {
	lib.generative
	r
	lib.no_clock
}

deny contains {"msg": msg, "evidence": [r.id]} if {
	lib.generative
	r
	age := lib.days_since(ran_at)
	age > lib.thresholds.red_team_days_max
	msg := sprintf("red-teaming ran %s, %s days ago (more than %s)", [ran_at, lib.fmt(lib.round1(age)), lib.fmt(lib.thresholds.red_team_days_max)])
}

deny contains {"msg": lib.not_a_list("red_team.findings", v), "evidence": [r.id]} if {
	lib.generative
	v := lib.get(r.data, "findings")
	v != null
	not is_array(v)
}

deny contains {"msg": sprintf("red-team finding %s is critical and still %s", [lib.label(lib.get(f, "id")), lib.label(lib.get(f, "status"))]), "evidence": [r.id]} if {
	lib.generative
	some f in lib.list(lib.get(r.data, "findings"))
	lib.get(f, "severity") == "critical"
	lib.get(f, "status") != "closed"
}
