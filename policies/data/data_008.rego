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

scan := input.evidence.data_scan

scanned := lib.list(lib.at(lib.data_of("data_scan"), ["result", "datasets"]))

scan_hits contains lib.label(lib.get(d, "role")) if {
	some d in scanned
	some p in lib.list(lib.get(d, "personal_data"))
	lib.get(p, "kind") == "special_category"
}

declared := [f | some f in lib.records("ds_facts"); lib.filled(lib.get(f.data, "special_category"))]

name(f) := lib.label(lib.get(f.data, "name"))

not_applicable contains "no special-category data was found or declared" if {
	lib.has("data_scan")
	is_array(lib.at(scan.data, ["result", "datasets"]))
	count(scan_hits) == 0
	count(declared) == 0
}

deny contains {"msg": sprintf("%s (special-category data are found by the data scan)", [lib.absent("data_scan")]), "evidence": lib.absent_ids("data_scan")} if not lib.has("data_scan")

deny contains {"msg": lib.not_a_list("data_scan datasets", v), "evidence": [scan.id]} if {
	v := lib.at(scan.data, ["result", "datasets"])
	not is_array(v)
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	some d in scanned
	features := lib.list(lib.get(d, "special_category_as_features"))
	count(features) > 0
	msg := sprintf("%s split: special-category data are model features: %s", [lib.label(lib.get(d, "role")), concat(", ", [lib.label(x) | some x in features])])
}

deny contains {"msg": msg, "evidence": [scan.id]} if {
	count(scan_hits) > 0
	count(declared) == 0
	msg := sprintf("special-category data found in %s but no dataset declares special_category facts", [concat(", ", sort(scan_hits))])
}

deny contains {"msg": sprintf("dataset %s special_category is %s, not an object", [name(f), lib.show(f.data.special_category)]), "evidence": [f.id]} if {
	some f in declared
	not is_object(f.data.special_category)
}

deny contains {"msg": sprintf("dataset %s special_category purpose is %s, not bias_detection", [name(f), lib.label(purpose)]), "evidence": [f.id]} if {
	some f in declared
	purpose := lib.get(f.data.special_category, "purpose")
	purpose != "bias_detection"
}

deny contains {"msg": sprintf("dataset %s special_category is not declared %s", [name(f), flag]), "evidence": [f.id]} if {
	some f in declared
	some flag in ["pseudonymised", "access_logged"]
	lib.get(f.data.special_category, flag) != true
}

deny contains {"msg": lib.not_a_date(sprintf("dataset %s special_category.delete_by", [name(f)]), v), "evidence": [f.id]} if {
	some f in declared
	v := lib.get(f.data.special_category, "delete_by")
	not lib.is_date(v)
}

deny contains {"msg": lib.msg_no_clock, "evidence": [f.id]} if {
	some f in declared
	lib.no_clock
}

deny contains {"msg": sprintf("dataset %s special-category data should have been deleted by %s", [name(f), f.data.special_category.delete_by]), "evidence": [f.id]} if {
	some f in declared
	lib.days_since(f.data.special_category.delete_by) > 0
	not lib.filled(lib.get(f.data, "deleted_at"))
}
