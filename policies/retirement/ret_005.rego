# METADATA
# title: Each dataset of a retired model is retained on a basis or deleted; special categories deleted
# description: >-
#   When a version is retired, every dataset it was trained on must either be retained with a stated basis
#   and retention_until, or have a deletion record; special-category data must be deleted.
# custom:
#   id: RET-005
#   severity: high
#   stage: retirement
#   evidence: [ds, ds_facts, retirement, reg]
#   remediation: >-
#     For each dataset declare retention_basis and retention_until, or deleted_at and deletion_record;
#     delete special-category data and record it.
#   frameworks:
#     eu_ai_act: ["Art. 10(5)(e)", "GDPR Art. 5(1)(e)"]
#     nist_ai_rmf: ["GOVERN 1.7", "MEASURE 2.10"]
#     iso_42001: ["A.7.2"]
package ailm.controls.retirement.ret_005

import data.ailm.lib
import rego.v1

not_applicable contains sprintf("the version is %s, not retired", [lib.lifecycle_status]) if not lib.retired

# Retired (the registry says so) with no retirement record: nothing to judge the retirement by is a failure.
deny contains {"msg": lib.retired_unrecorded, "evidence": lib.absent_ids("retirement")} if {
	lib.retired
	not lib.has("retirement")
}

deleted(f) if count(lib.unfilled(f, ["deleted_at", "deletion_record"])) == 0

retained(f) if {
	count(lib.unfilled(f, ["retention_basis", "retention_until"])) == 0
	lib.is_date(lib.get(f.data, "retention_until"))
}

deny contains {"msg": sprintf("dataset %s is neither retained on a basis nor deleted", [lib.label(name)]), "evidence": array.concat([ds.id], [f.id | f := lib.dataset_facts[name]])} if {
	lib.retired
	some ds in lib.records("ds")
	name := lib.get(ds.data, "name")
	f := object.get(lib.dataset_facts, name, {"data": {}})
	not deleted(f)
	not retained(f)
}

deny contains {"msg": sprintf("dataset %s holds special-category data and has no deletion record", [lib.label(lib.get(f.data, "name"))]), "evidence": [f.id]} if {
	lib.retired
	some f in lib.records("ds_facts")
	lib.filled(lib.get(f.data, "special_category"))
	not deleted(f)
}
