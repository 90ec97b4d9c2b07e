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

sensitive := object.get(lib.data_of("plan"), "sensitive_features", [])

scan := input.evidence.data_scan

split(role) := d if {
	some d in scan.data.result.datasets
	d.role == role
}

not_applicable contains "the plan declares no sensitive features" if {
	input.evidence.plan
	count(sensitive) == 0
}

deny contains {"msg": lib.absent("plan"), "evidence": lib.absent_ids("plan")} if not input.evidence.plan

deny contains {"msg": sprintf("%s (group sizes are measured by the data scan)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if {
	count(sensitive) > 0
	not input.evidence.data_scan
}

deny contains {"msg": sprintf("sensitive feature %s was not found in the %s split", [f, role]), "evidence": [scan.id]} if {
	some f in sensitive
	some role in ["train", "test"]
	d := split(role)
	not d.group_counts[f]
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some f in sensitive
	some role in ["train", "test"]
	some group, n in split(role).group_counts[f]
	n < lib.thresholds.group_n_min
	msg := sprintf("%s split: group %s=%s has %v rows, fewer than %v", [role, f, group, n, lib.thresholds.group_n_min])
}

deny contains {"msg": msg, "evidence": [scan.id, input.evidence.plan.id]} if {
	some f, ref in object.get(lib.data_of("plan"), "reference_population", {})
	counts := split("train").group_counts[f]
	total := sum([n | some n in counts])
	some group, expected in ref
	share := object.get(counts, group, 0) / total
	abs(share - expected) > lib.thresholds.group_share_tolerance
	msg := sprintf("train split: group %s=%s is %v of rows, reference %v (tolerance %v)", [f, group, round(share * 1000) / 1000, expected, lib.thresholds.group_share_tolerance])
}
