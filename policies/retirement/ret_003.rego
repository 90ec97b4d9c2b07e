# METADATA
# title: A retired model is fully decommissioned
# description: >-
#   Once retired, the model must have zero serving replicas, its routes removed, its keys revoked, its
#   scheduled jobs deleted and its consumers notified, and no inference may be logged after retired_at.
# custom:
#   id: RET-003
#   severity: critical
#   stage: retirement
#   evidence: [retirement]
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

ret := input.evidence.retirement

dec := object.get(ret.data, "decommission", {})

deny contains {"msg": "retired, but retirement declares no retired_at", "evidence": [ret.id]} if {
	lib.retired
	not lib.filled(object.get(ret.data, "retired_at", null))
}

deny contains {"msg": sprintf("retired, but %v serving replicas remain", [object.get(dec, "replicas", "an undeclared number of")]), "evidence": [ret.id]} if {
	lib.retired
	object.get(dec, "replicas", null) != 0
}

deny contains {"msg": sprintf("retired, but decommission.%s is not true", [step]), "evidence": [ret.id]} if {
	lib.retired
	some step in ["routes_removed", "keys_revoked", "jobs_deleted", "consumers_notified"]
	object.get(dec, step, false) != true
}

deny contains {"msg": sprintf("inference was logged at %s, after retirement at %s", [dec.last_log_at, ret.data.retired_at]), "evidence": [ret.id]} if {
	lib.retired
	lib.ns(dec.last_log_at) > lib.ns(ret.data.retired_at)
}
