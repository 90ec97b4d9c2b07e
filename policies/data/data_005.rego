# METADATA
# title: Every protected group is represented in training and test data
# description: >-
#   For each declared sensitive feature, every group must have at least group_n_min rows in the train and
#   the test split (measured on the files), and where the plan declares a reference population, each
#   group's share of the training data must be within group_share_tolerance of its reference share.
# custom:
#   id: DATA-005
#   severity: high
#   stage: data
#   evidence: [data_scan, plan]
#   remediation: >-
#     Collect or re-sample data for under-represented groups; declare plan.reference_population
#     ({feature: {group: share}}) from the population the system will serve.
#   frameworks:
#     eu_ai_act: ["Art. 10(2)(e)-(h)", "Art. 10(3)", "Art. 10(4)"]
#     nist_ai_rmf: ["MAP 2.3", "MEASURE 2.2", "MEASURE 2.11"]
#     iso_42001: ["A.7.4", "A.5.4"]
package ailm.controls.data.data_005

import data.ailm.lib
import rego.v1

plan := lib.data_of("plan")

sensitive := lib.list(lib.get(plan, "sensitive_features"))

scan := input.evidence.data_scan

split(role) := d if {
	some d in lib.list(lib.at(lib.data_of("data_scan"), ["result", "datasets"]))
	lib.get(d, "role") == role
}

not_applicable contains "the plan declares no sensitive features" if {
	lib.has("plan")
	count(sensitive) == 0
	lib.get(plan, "sensitive_features") in {null, []}
}

deny contains {"msg": lib.absent("plan"), "evidence": lib.absent_ids("plan")} if not lib.has("plan")

deny contains {"msg": lib.not_a_list("plan.sensitive_features", v), "evidence": [input.evidence.plan.id]} if {
	v := lib.get(plan, "sensitive_features")
	v != null
	not is_array(v)
}

deny contains {"msg": sprintf("%s (group sizes are measured by the data scan)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if {
	count(sensitive) > 0
	not lib.has("data_scan")
}

deny contains {"msg": sprintf("no %s split was scanned to count groups of %s", [role, lib.label(f)]), "evidence": [scan.id]} if {
	some f in sensitive
	some role in ["train", "test"]
	not split(role)
}

deny contains {"msg": sprintf("sensitive feature %s was not found in the %s split", [lib.label(f), role]), "evidence": [scan.id]} if {
	some f in sensitive
	some role in ["train", "test"]
	d := split(role)
	not is_object(lib.at(d, ["group_counts", f]))
}

deny contains {"msg": lib.not_a_number(sprintf("%s split group %s=%s count", [role, lib.label(f), group]), n), "evidence": [scan.id]} if {
	some f in sensitive
	some role in ["train", "test"]
	some group, n in lib.obj(lib.at(split(role), ["group_counts", f]))
	not is_number(n)
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some f in sensitive
	some role in ["train", "test"]
	some group, n in lib.obj(lib.at(split(role), ["group_counts", f]))
	is_number(n)
	n < lib.thresholds.group_n_min
	msg := sprintf("%s split: group %s=%s has %s rows, fewer than %s", [role, lib.label(f), group, lib.fmt(n), lib.fmt(lib.thresholds.group_n_min)])
}

deny contains {"msg": lib.not_a_number(sprintf("plan.reference_population %s=%s", [f, group]), expected), "evidence": [input.evidence.plan.id]} if {
	some f, ref in lib.obj(lib.get(plan, "reference_population"))
	some group, expected in lib.obj(ref)
	not is_number(expected)
}

deny contains {"msg": msg, "evidence": [scan.id, input.evidence.plan.id]} if {
	some f, ref in lib.obj(lib.get(plan, "reference_population"))
	counts := lib.obj(lib.at(split("train"), ["group_counts", f]))
	total := sum([n | some n in counts; is_number(n)])
	total > 0
	some group, expected in lib.obj(ref)
	is_number(expected)
	share := lib.get(counts, group)
	is_number(share)
	abs((share / total) - expected) > lib.thresholds.group_share_tolerance
	msg := sprintf("train split: group %s=%s is %s of rows, reference %s (tolerance %s)", [f, group, lib.fmt(round((share / total) * 1000) / 1000), lib.fmt(expected), lib.fmt(lib.thresholds.group_share_tolerance)])
}

deny contains {"msg": sprintf("train split: group %s=%s of the reference population has no rows", [f, group]), "evidence": [scan.id, input.evidence.plan.id]} if {
	some f, ref in lib.obj(lib.get(plan, "reference_population"))
	counts := lib.at(split("train"), ["group_counts", f])
	is_object(counts)
	some group, expected in lib.obj(ref)
	is_number(expected)
	expected > lib.thresholds.group_share_tolerance
	not counts[group]
}
