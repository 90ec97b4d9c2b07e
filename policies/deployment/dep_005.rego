# METADATA
# title: Serving endpoint secured, artifact signed, no critical vulnerabilities
# description: >-
#   The deployed system must authenticate callers, use TLS, encrypt data at rest, keep no secrets in
#   plaintext, serve a signed artifact and have no open critical vulnerabilities (CVEs) in its image.
# custom:
#   id: DEP-005
#   severity: critical
#   stage: deployment
#   evidence: [security, deployment]
#   remediation: >-
#     Declare security with auth, tls, encryption_at_rest and artifact_signed true, plaintext_secrets 0 and
#     critical_cves 0 (from the image scan, with scanned_at).
#   frameworks:
#     eu_ai_act: ["Art. 15(5)"]
#     nist_ai_rmf: ["MEASURE 2.7"]
#     iso_42001: ["A.6.2.5"]
package ailm.controls.deployment.dep_005

import data.ailm.lib
import rego.v1

s := input.evidence.security

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("security")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("security"))} if {
	lib.deployed
	not lib.has("security")
}

deny contains {"msg": sprintf("security: %s is not true", [flag]), "evidence": [s.id]} if {
	lib.deployed
	some flag in ["auth", "tls", "encryption_at_rest", "artifact_signed"]
	lib.get(s.data, flag) != true
}

deny contains {"msg": sprintf("security: %s is %s, not 0", [count_name, shown(lib.get(s.data, count_name))]), "evidence": [s.id]} if {
	lib.deployed
	some count_name in ["plaintext_secrets", "critical_cves"]
	lib.get(s.data, count_name) != 0
}

shown(v) := "undeclared" if v == null

shown(v) := lib.fmt(v) if is_number(v)

shown(v) := lib.show(v) if {
	v != null
	not is_number(v)
}
