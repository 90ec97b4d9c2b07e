package ailm.controls.deployment.dep_008_test

import data.ailm.controls.deployment.dep_008
import rego.v1

signature(present, verified, matches) := {
	"id": "sig1",
	"data": {"present": present, "verified": verified, "matches_artifact": matches, "problem": "no signature model.sig in the artifact folder"},
}

inp(sig) := {"evidence": {"deployment": {"id": "dep1", "data": {}}, "reg": {"id": "reg1", "data": {}}, "model_signature": sig}, "expired": []}

test_pass_signed_verified_and_matching if {
	count(dep_008.deny) == 0 with input as inp(signature(true, true, true))
	count(dep_008.not_applicable) == 0 with input as inp(signature(true, true, true))
}

test_fail_unsigned if {
	dep_008.deny == {{"msg": "the deployed artifact is not signed: no signature model.sig in the artifact folder", "evidence": ["sig1"]}} with input as inp(signature(false, false, false))
}

test_fail_signature_that_does_not_verify if {
	some f in dep_008.deny with input as inp(json.patch(signature(true, false, true), [{"op": "replace", "path": "/data/problem", "value": "the signature verifies with no trusted key"}]))
	f.msg == "the artifact's signature does not hold: the signature verifies with no trusted key"
}

test_fail_signature_over_other_files if {
	dep_008.deny == {{"msg": "the signature verifies, but over other files than the registry holds", "evidence": ["sig1"]}} with input as inp(signature(true, true, false))
}

test_fail_verified_given_as_text_is_not_verified if {
	some f in dep_008.deny with input as inp(signature(true, "true", true))
	startswith(f.msg, "the artifact's signature does not hold")
}

test_fail_missing_evidence if {
	dep_008.deny == {{"msg": "deployed, but evidence 'model_signature' is missing", "evidence": ["reg1"]}} with input as {"evidence": {"deployment": {"id": "dep1", "data": {}}, "reg": {"id": "reg1", "data": {}}}, "expired": []}
}

test_not_applicable_without_deployment if {
	dep_008.not_applicable == {"the version has no declared deployment"} with input as {"evidence": {"reg": {"id": "reg1", "data": {}}}, "expired": []}
	count(dep_008.deny) == 0 with input as {"evidence": {"reg": {"id": "reg1", "data": {}}}, "expired": []}
}
