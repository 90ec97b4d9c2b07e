# METADATA
# title: Documentation and logs archived for the required periods, with hashes
# description: >-
#   When a version is retired, its technical documentation, quality-management records, declaration of
#   conformity and test reports must be archived until at least archive_years_min years after it was
#   placed on the market (retired_at as the lower bound), its logs for at least archive_log_days_min days,
#   and every archived item must keep its sha256.
# custom:
#   id: RET-004
#   severity: high
#   stage: retirement
#   evidence: [archive, retirement, reg]
#   remediation: >-
#     Declare archive.items (kind, retain_until, sha256) for technical_documentation, qms,
#     declaration_of_conformity, test_reports and logs.
#   frameworks:
#     eu_ai_act: ["Art. 18", "Art. 19"]
#     nist_ai_rmf: ["GOVERN 1.7"]
#     iso_42001: ["A.6.2.7", "A.6.2.8"]
package ailm.controls.retirement.ret_004

import data.ailm.lib
import rego.v1

documents := ["technical_documentation", "qms", "declaration_of_conformity", "test_reports"]

not_applicable contains sprintf("the version is %s, not retired", [lib.lifecycle_status]) if not lib.retired

# Retired (the registry says so) with no retirement record: nothing to judge the retirement by is a failure.
deny contains {"msg": lib.retired_unrecorded, "evidence": lib.absent_ids("retirement")} if {
	lib.retired
	not lib.has("retirement")
}

archive := input.evidence.archive

# Archived items by kind (the first item of a kind when several are listed).
items := {kind: i |
	some i in lib.list(lib.get(lib.data_of("archive"), "items"))
	kind := lib.get(i, "kind")
	is_string(kind)
	i == [j | some j in lib.list(lib.get(lib.data_of("archive"), "items")); lib.get(j, "kind") == kind][0]
}

retired_at := lib.get(lib.data_of("retirement"), "retired_at")

deny contains {"msg": sprintf("retired, but %s", [lib.absent("archive")]), "evidence": lib.absent_ids("archive")} if {
	lib.retired
	not lib.has("archive")
}

deny contains {"msg": lib.not_a_list("archive.items", v), "evidence": [archive.id]} if {
	lib.retired
	v := lib.get(archive.data, "items")
	not is_array(v)
}

deny contains {"msg": sprintf("the archive holds no %s", [kind]), "evidence": [archive.id]} if {
	lib.retired
	some kind in array.concat(documents, ["logs"])
	not items[kind]
}

deny contains {"msg": sprintf("archived %s has no sha256", [kind]), "evidence": [archive.id]} if {
	lib.retired
	some kind, i in items
	not lib.filled(lib.get(i, "sha256"))
}

deny contains {"msg": lib.not_a_date(sprintf("archived %s retain_until", [kind]), v), "evidence": [archive.id]} if {
	lib.retired
	some kind, i in items
	v := lib.get(i, "retain_until")
	not lib.is_date(v)
}

deny contains {"msg": lib.not_a_date("retirement.retired_at", retired_at), "evidence": [input.evidence.retirement.id]} if {
	lib.retired
	archive
	not lib.is_date(retired_at)
}

deny contains {"msg": msg, "evidence": [archive.id, input.evidence.retirement.id]} if {
	lib.retired
	some kind in documents
	days := lib.days_between(retired_at, items[kind].retain_until)
	days < lib.thresholds.archive_years_min * 365
	msg := sprintf("archived %s is kept until %s, less than %s years after retirement", [kind, items[kind].retain_until, lib.fmt(lib.thresholds.archive_years_min)])
}

deny contains {"msg": msg, "evidence": [archive.id, input.evidence.retirement.id]} if {
	lib.retired
	days := lib.days_between(retired_at, items.logs.retain_until)
	days < lib.thresholds.archive_log_days_min
	msg := sprintf("archived logs are kept until %s, less than %s days after retirement", [items.logs.retain_until, lib.fmt(lib.thresholds.archive_log_days_min)])
}
