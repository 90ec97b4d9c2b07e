package ailm.controls.development.dev_009_test

import data.ailm.controls.development.dev_009
import rego.v1

att(id, verified, problem) := {"id": id, "data": {"file": sprintf("%s.json", [id]), "verified": verified, "problem": problem}}

inp(atts) := {"evidence": {"attestation": atts}, "expired": []}

test_pass_every_attestation_verifies if {
	count(dev_009.deny) == 0 with input as inp([att("a1", true, null), att("a2", true, null)])
	count(dev_009.not_applicable) == 0 with input as inp([att("a1", true, null)])
}

test_fail_one_does_not_verify if {
	dev_009.deny == {{"msg": "attestation a2.json does not verify: the envelope does not verify: no signature verifies with the given public key; not used", "evidence": ["a2"]}} with input as inp([att("a1", true, null), att("a2", false, "the envelope does not verify: no signature verifies with the given public key; not used")])
}

test_fail_verified_as_text_is_not_verified if {
	count(dev_009.deny) == 1 with input as inp([att("a1", "true", null)])
}

test_fail_verified_missing_is_not_verified if {
	count(dev_009.deny) == 1 with input as inp([{"id": "a1", "data": {"file": "a1.json"}}])
}

test_not_applicable_without_attestations if {
	dev_009.not_applicable == {"no attestation is given as evidence"} with input as {"evidence": {}, "expired": []}
	count(dev_009.deny) == 0 with input as {"evidence": {}, "expired": []}
}
