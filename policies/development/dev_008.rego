# METADATA
# title: Technical documentation covers Annex IV; test reports are signed
# description: >-
#   The technical documentation must fill every Annex IV section (1 general description to 9 post-market
#   monitoring plan), each pointing to a document, and every test report it lists must carry a sha256 and a
#   signature (signer and signature reference).
# custom:
#   id: DEV-008
#   severity: critical
#   stage: development
#   evidence: [technical_documentation]
#   remediation: >-
#     Declare technical_documentation.annex_iv with a document for sections "1" to "9" and test_reports with
#     uri, sha256, signed_by and signature for each report (ailm's own signed report qualifies).
#   frameworks:
#     eu_ai_act: ["Art. 11", "Annex IV"]
#     nist_ai_rmf: ["MAP 2.2", "GOVERN 4.2"]
#     iso_42001: ["A.6.2.7"]
package ailm.controls.development.dev_008

import data.ailm.lib
import rego.v1

sections := ["1", "2", "3", "4", "5", "6", "7", "8", "9"]

td := input.evidence.technical_documentation

deny contains {"msg": lib.absent("technical_documentation"), "evidence": lib.absent_ids("technical_documentation")} if not lib.has("technical_documentation")

deny contains {"msg": sprintf("Annex IV section %s is not documented", [s]), "evidence": [td.id]} if {
	some s in sections
	not lib.filled(lib.at(td.data, ["annex_iv", s]))
}

deny contains {"msg": "technical documentation lists no test_reports", "evidence": [td.id]} if {
	not lib.filled(lib.get(td.data, "test_reports"))
}

deny contains {"msg": lib.not_a_list("technical_documentation.test_reports", v), "evidence": [td.id]} if {
	v := lib.get(td.data, "test_reports")
	lib.filled(v)
	not is_array(v)
}

deny contains {"msg": sprintf("test report %s has no %s", [lib.label(object.get(lib.obj(r), "uri", i + 1)), f]), "evidence": [td.id]} if {
	some i, r in lib.list(lib.get(td.data, "test_reports"))
	some f in ["uri", "sha256", "signed_by", "signature"]
	not lib.filled(lib.get(r, f))
}
