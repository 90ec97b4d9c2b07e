# METADATA
# title: A retired model is fully decommissioned
# description: >-
#   Once retired, the model must have zero serving replicas, its routes removed, its keys revoked, its
#   scheduled jobs deleted and its consumers notified, and no inference may be logged after retired_at.
# custom:
#   id: RET-003
#   severity: critical
#   stage: retirement
#   evidence: [retirement, reg]
#   remediation: >-
#     Declare retirement.retired_at and retirement.decommission with replicas 0, routes_removed,
#     keys_revoked, jobs_deleted and consumers_notified true and last_log_at (the last inference logged).
#   frameworks:
#     eu_ai_act: ["Art. 20"]
#     nist_ai_rmf: ["GOVERN 1.7", "MANAGE 2.4"]
#     iso_42001: ["A.6.2.5", "A.6.2.6"]
package ailm.controls.retirement.ret_003

import data.ailm.lib
import rego.v1

not_applicable contains sprintf("the version is %s, not retired", [lib.lifecycle_status]) if not lib.retired

# Retired (the registry says so) with no retirement record: nothing to judge the retirement by is a failure.
deny contains {"msg": lib.retired_unrecorded, "evidence": lib.absent_ids("retirement")} if {
	lib.retired
	not lib.has("retirement")
}

ret := input.evidence.retirement

retired_at := lib.get(lib.data_of("retirement"), "retired_at")

dec := lib.obj(lib.get(lib.data_of("retirement"), "decommission"))

deny contains {"msg": "retired, but retirement declares no retired_at", "evidence": [ret.id]} if {
	lib.retired
	not lib.filled(retired_at)
}

deny contains {"msg": lib.not_a_date("retirement.retired_at", retired_at), "evidence": [ret.id]} if {
	lib.retired
	lib.filled(retired_at)
	not lib.is_date(retired_at)
}

deny contains {"msg": sprintf("retired, but %s serving replicas remain", [replicas(lib.get(dec, "replicas"))]), "evidence": [ret.id]} if {
	lib.retired
	lib.get(dec, "replicas") != 0
}

deny contains {"msg": sprintf("retired, but decommission.%s is not true", [step]), "evidence": [ret.id]} if {
	lib.retired
	some step in ["routes_removed", "keys_revoked", "jobs_deleted", "consumers_notified"]
	lib.get(dec, step) != true
}

deny contains {"msg": lib.not_a_date("decommission.last_log_at", v), "evidence": [ret.id]} if {
	lib.retired
	v := lib.get(dec, "last_log_at")
	not lib.is_date(v)
}

deny contains {"msg": sprintf("inference was logged at %s, after retirement at %s", [dec.last_log_at, retired_at]), "evidence": [ret.id]} if {
	lib.retired
	lib.ns(dec.last_log_at) > lib.ns(retired_at)
}

replicas(v) := "an undeclared number of" if v == null

replicas(v) := lib.label(v) if v != null
