# METADATA
# title: Attestations given as evidence verify with a trusted key
# description: >-
#   In-toto attestations supplied as evidence (a training pipeline's provenance, a signed evaluation result)
#   are DSSE envelopes whose signature verifies with one of the organisation's trusted keys over an in-toto
#   Statement v1. An unsigned statement, a signature no trusted key verifies, or a payload that is not a
#   statement fails: evidence that claims more than it proves is never used. Not applicable when no
#   attestation is given.
# custom:
#   id: DEV-009
#   severity: high
#   stage: development
#   evidence: [attestation]
#   remediation: >-
#     Sign the statement with the pipeline's key (DSSE, payloadType application/vnd.in-toto+json) and list
#     that public key in the attestations collector's trusted_keys; remove attestations that cannot be signed.
#   frameworks:
#     eu_ai_act: ["Art. 11(1)", "Art. 12(1)", "Annex IV 2(d)"]
#     nist_ai_rmf: ["GOVERN 6.1", "MEASURE 2.7"]
#     iso_42001: ["A.6.2.3", "A.10.3"]
package ailm.controls.development.dev_009

import data.ailm.lib
import rego.v1

attestations := lib.records("attestation")

not_applicable contains "no attestation is given as evidence" if count(attestations) == 0

deny contains {"msg": msg, "evidence": [a.id]} if {
	some a in attestations
	lib.get(a.data, "verified") != true
	msg := sprintf("attestation %s does not verify: %s", [lib.label(lib.get(a.data, "file")), lib.label(lib.get(a.data, "problem"))])
}
