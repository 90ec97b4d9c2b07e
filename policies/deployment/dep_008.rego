# METADATA
# title: The deployed artifact is signed by a trusted key, over exactly the registered files
# description: >-
#   A deployed version's model artifact carries an OpenSSF model signature (model-signing) that verifies with
#   one of the organisation's trusted keys and signs exactly the files the registry holds. Unsigned, a
#   signature that verifies with no trusted key, or one over other files all fail. Not applicable to a
#   version that is not deployed.
# custom:
#   id: DEP-008
#   severity: high
#   stage: deployment
#   evidence: [model_signature, deployment, reg]
#   remediation: >-
#     Sign the registered artifact folder with the organisation's model-signing key (model_signing sign key
#     --private_key ... --signature model.sig <artifact folder>) and give its public key to the MLflow
#     collector (model_signing.trusted_keys); re-sign after any change to the artifact.
#   frameworks:
#     eu_ai_act: ["Art. 15(1)", "Art. 15(5)"]
#     nist_ai_rmf: ["MEASURE 2.7", "MANAGE 2.4"]
#     iso_42001: ["A.6.2.5", "A.10.3"]
package ailm.controls.deployment.dep_008

import data.ailm.lib
import rego.v1

sig := input.evidence.model_signature

not_applicable contains "the version has no declared deployment" if not lib.deployed

deny contains {"msg": sprintf("deployed, but %s", [lib.absent("model_signature")]), "evidence": lib.absent_ids("model_signature")} if {
	lib.deployed
	not lib.has("model_signature")
}

deny contains {"msg": sprintf("the deployed artifact is not signed: %s", [lib.label(lib.get(sig.data, "problem"))]), "evidence": [sig.id]} if {
	lib.deployed
	lib.has("model_signature")
	lib.get(sig.data, "present") != true
}

deny contains {"msg": sprintf("the artifact's signature does not hold: %s", [lib.label(lib.get(sig.data, "problem"))]), "evidence": [sig.id]} if {
	lib.deployed
	lib.get(sig.data, "present") == true
	lib.get(sig.data, "verified") != true
}

deny contains {"msg": "the signature verifies, but over other files than the registry holds", "evidence": [sig.id]} if {
	lib.deployed
	lib.get(sig.data, "verified") == true
	lib.get(sig.data, "matches_artifact") != true
}
