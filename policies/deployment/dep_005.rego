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

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("security")]), "evidence": array.concat([input.evidence.deployment.id], lib.absent_ids("security"))} if {
	lib.deployed
	not input.evidence.security
}

deny contains {"msg": sprintf("security: %s is not true", [flag]), "evidence": [s.id]} if {
	s := input.evidence.security
	some flag in ["auth", "tls", "encryption_at_rest", "artifact_signed"]
	object.get(s.data, flag, false) != true
}

deny contains {"msg": sprintf("security: %s is %v, not 0", [count_name, object.get(s.data, count_name, "undeclared")]), "evidence": [s.id]} if {
	s := input.evidence.security
	some count_name in ["plaintext_secrets", "critical_cves"]
	object.get(s.data, count_name, null) != 0
}
