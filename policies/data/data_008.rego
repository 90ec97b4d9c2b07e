# METADATA
# title: Special-category data only for bias detection, pseudonymised, logged and deleted on time
# description: >-
#   Special categories of personal data (racial or ethnic origin, health, religion, sex life...) may be
#   processed only to detect and correct bias: they must not be model features, and each dataset holding
#   them must declare that purpose, pseudonymisation, logged access and a delete_by date not yet passed.
# custom:
#   id: DATA-008
#   severity: critical
#   stage: data
#   evidence: [data_scan, ds_facts]
#   remediation: >-
#     Remove special-category columns from the features; in the facts of each dataset holding them declare
#     special_category with purpose bias_detection, pseudonymised: true, access_logged: true and delete_by.
#   frameworks:
#     eu_ai_act: ["Art. 10(5)(a)-(f)"]
#     nist_ai_rmf: ["MEASURE 2.10", "MEASURE 2.11"]
#     iso_42001: ["A.7.2", "A.7.3"]
package ailm.controls.data.data_008

import data.ailm.lib
import rego.v1

scan_hits contains d.role if {
	some d in input.evidence.data_scan.data.result.datasets
	some p in d.personal_data
	p.kind == "special_category"
}

declared := [f | some f in object.get(input.evidence, "ds_facts", []); f.data.special_category]

not_applicable contains "no special-category data was found or declared" if {
	input.evidence.data_scan
	count(scan_hits) == 0
	count(declared) == 0
}

deny contains {"msg": sprintf("%s (special-category data are found by the data scan)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if not input.evidence.data_scan

deny contains {"msg": msg, "evidence": [input.evidence.data_scan.id]} if {
	some d in input.evidence.data_scan.data.result.datasets
	count(d.special_category_as_features) > 0
	msg := sprintf("%s split: special-category data are model features: %v", [d.role, concat(", ", d.special_category_as_features)])
}

deny contains {"msg": msg, "evidence": [input.evidence.data_scan.id]} if {
	count(scan_hits) > 0
	count(declared) == 0
	msg := sprintf("special-category data found in %v but no dataset declares special_category facts", [concat(", ", sort(scan_hits))])
}

deny contains {"msg": sprintf("dataset %s special_category purpose is %v, not bias_detection", [f.data.name, object.get(f.data.special_category, "purpose", "(none)")]), "evidence": [f.id]} if {
	some f in declared
	object.get(f.data.special_category, "purpose", null) != "bias_detection"
}

deny contains {"msg": sprintf("dataset %s special_category is not declared %s", [f.data.name, flag]), "evidence": [f.id]} if {
	some f in declared
	some flag in ["pseudonymised", "access_logged"]
	object.get(f.data.special_category, flag, false) != true
}

deny contains {"msg": sprintf("dataset %s special_category declares no delete_by", [f.data.name]), "evidence": [f.id]} if {
	some f in declared
	not lib.filled(object.get(f.data.special_category, "delete_by", null))
}

deny contains {"msg": sprintf("dataset %s special-category data should have been deleted by %s", [f.data.name, f.data.special_category.delete_by]), "evidence": [f.id]} if {
	some f in declared
	lib.days_since(f.data.special_category.delete_by) > 0
	object.get(f.data, "deleted_at", null) == null
}
