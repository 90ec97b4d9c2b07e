package ailm.controls.deployment.dep_005_test

import data.ailm.controls.deployment.dep_005
import rego.v1

good := {"auth": true, "tls": true, "encryption_at_rest": true, "artifact_signed": true, "plaintext_secrets": 0, "critical_cves": 0}

inp(s) := {"evidence": {"deployment": {"id": "dep", "data": {}}, "security": {"id": "s", "data": s}}}

test_pass_secured if {
	count(dep_005.deny) == 0 with input as inp(good)
}

test_fail_cves_and_no_tls if {
	dep_005.deny == {
		{"msg": "security: critical_cves is 2, not 0", "evidence": ["s"]},
		{"msg": "security: tls is not true", "evidence": ["s"]},
	} with input as inp(object.union(good, {"critical_cves": 2, "tls": false}))
}

test_fail_undeclared_scan if {
	some f in dep_005.deny with input as inp(object.remove(good, ["critical_cves"]))
	f.msg == "security: critical_cves is undeclared, not 0"
}
