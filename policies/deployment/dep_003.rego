# METADATA
# title: Inference is logged with the required fields, kept at least six months, append-only
# description: >-
#   A deployed high-risk system must log its use automatically: each inference record carries the fields
#   needed to trace it, logs are kept at least 183 days (six months) and cannot be altered after writing.
#   Not applicable to a version that is not deployed.
# custom:
#   id: DEP-003
#   severity: critical
#   stage: deployment
#   evidence: [deployment]
#   remediation: >-
#     Configure inference logging with the fields in data.ailm.thresholds.inference_log_fields, retention of
#     at least 183 days on append-only (WORM) storage, and declare it under deployment.logging.
#   frameworks:
#     eu_ai_act: ["Art. 12(1)", "Art. 12(2)", "Art. 19(1)", "Art. 26(6)"]
#     nist_ai_rmf: ["MEASURE 2.4", "MEASURE 2.8"]
#     iso_42001: ["A.6.2.8"]
package ailm.controls.deployment.dep_003

import data.ailm.lib
import rego.v1

dep := input.evidence.deployment

logging := lib.get(lib.data_of("deployment"), "logging")

days := lib.get(logging, "retention_days")

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": "deployment declares no inference logging", "evidence": [dep.id]} if {
	lib.deployed
	dep
	not lib.filled(logging)
}

deny contains {"msg": sprintf("deployment logging is %s, not an object", [lib.show(logging)]), "evidence": [dep.id]} if {
	lib.deployed
	lib.filled(logging)
	not is_object(logging)
}

deny contains {"msg": sprintf("inference log records lack the fields %v", [sort(missing)]), "evidence": [dep.id]} if {
	lib.deployed
	is_object(logging)
	missing := {f | some f in lib.thresholds.inference_log_fields} - {f | some f in lib.list(lib.get(logging, "fields"))}
	count(missing) > 0
}

deny contains {"msg": lib.not_a_number("deployment.logging.retention_days", days), "evidence": [dep.id]} if {
	lib.deployed
	is_object(logging)
	not is_number(days)
}

deny contains {"msg": msg, "evidence": [dep.id]} if {
	lib.deployed
	is_number(days)
	days < lib.thresholds.log_retention_days_min
	msg := sprintf("inference logs are kept %s days, less than the required %s", [lib.fmt(days), lib.fmt(lib.thresholds.log_retention_days_min)])
}

deny contains {"msg": "inference logs are not append-only", "evidence": [dep.id]} if {
	lib.deployed
	is_object(logging)
	lib.get(logging, "append_only") != true
}
