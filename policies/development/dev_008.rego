# METADATA
# title: Technical documentation covers Annex IV; test reports are signed
# description: >-
#   The technical documentation must fill every Annex IV section (1 general description to 9 post-market
#   monitoring plan), each pointing to a document, and every test report it lists must carry a sha256 and a
#   signature (signer and signature reference). A placeholder ("tbd", "todo", "n/a", "-") is not a document.
#   Each report's sha256 is checked by ailm against the file it names; a digest with no file ailm can read
#   (an https:// page) is declared, not verified, and does not satisfy this control.
# custom:
#   id: DEV-008
#   severity: critical
#   stage: development
#   evidence: [technical_documentation, td_check]
#   remediation: >-
#     Declare technical_documentation.annex_iv with a document for sections "1" to "9" and test_reports with
#     uri, sha256, signed_by and signature for each report (ailm's own signed report qualifies), each uri
#     a file ailm can read (a path relative to the manifest, or file://) whose sha256 is the one declared.
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

placeholders := {"tbd", "tba", "todo", "to do", "n/a", "na", "none", "null", "-", "--", "?", "...", "fixme", "placeholder", "pending", "later", "unknown"}

placeholder(v) if {
	is_string(v)
	trim_right(lower(trim_space(v)), ".") in placeholders
}

check := lib.data_of("td_check")

section_document(v) := lib.get(v, "uri") if is_object(v) else := v

deny contains {"msg": sprintf("Annex IV section %s reads %s: a placeholder, not a document", [s, json.marshal(doc)]), "evidence": [td.id]} if {
	some s in sections
	doc := section_document(lib.at(td.data, ["annex_iv", s]))
	placeholder(doc)
}

deny contains {"msg": sprintf("test report %d: %s reads %s: a placeholder", [i + 1, f, json.marshal(v)]), "evidence": [td.id]} if {
	some i, r in lib.list(lib.get(td.data, "test_reports"))
	some f in ["uri", "sha256", "signed_by", "signature"]
	v := lib.get(r, f)
	placeholder(v)
}

deny contains {"msg": sprintf("test report %s: sha256 is %s, not 64 hexadecimal characters", [lib.label(lib.get(r, "uri")), lib.show(v)]), "evidence": [td.id]} if {
	some r in lib.list(lib.get(td.data, "test_reports"))
	v := lib.get(r, "sha256")
	lib.filled(v)
	not placeholder(v)
	not hex64(v)
}

hex64(v) if {
	is_string(v)
	regex.match(`^[0-9a-fA-F]{64}$`, v)
}

# What ailm found at each test report's uri (documents.check): only "match" verifies the declared digest.
deny contains {"msg": msg, "evidence": array.concat([td.id], lib.id_of("td_check"))} if {
	some i, r in lib.list(lib.get(td.data, "test_reports"))
	hex64(lib.get(r, "sha256"))
	found := checked_report(i)
	lib.get(found, "status") != "match"
	msg := report_problem(r, found)
}

checked_report(i) := found if {
	found := lib.list(lib.get(check, "test_reports"))[i]
} else := null

report_problem(r, found) := sprintf("test report %s: the declared sha256 %s is out of date: %s", [lib.label(lib.get(r, "uri")), lib.label(lib.get(r, "sha256")), lib.label(lib.get(found, "reason"))]) if {
	lib.get(found, "status") == "mismatch"
} else := sprintf("test report %s: %s", [lib.label(lib.get(r, "uri")), lib.label(lib.get(found, "reason"))]) if {
	lib.get(found, "status") == "missing"
} else := sprintf("test report %s: sha256 declared, not verified (%s): a declared digest cannot alone satisfy this critical control", [lib.label(lib.get(r, "uri")), why_unverified(found)])

why_unverified(found) := "ailm did not check it: no td_check record" if found == null else := lib.label(lib.get(found, "reason"))

deny contains {"msg": msg, "evidence": array.concat([td.id], lib.id_of("td_check"))} if {
	some s in sections
	found := lib.at(check, ["annex_iv", s])
	lib.get(found, "status") in {"missing", "mismatch"}
	msg := sprintf("Annex IV section %s: %s", [s, lib.label(found.reason)])
}

warn contains {"msg": msg, "evidence": array.concat([td.id], lib.id_of("td_check"))} if {
	some s in sections
	found := lib.at(check, ["annex_iv", s])
	lib.get(found, "status") == "not_verified"
	lib.filled(lib.get(found, "declared_sha256"))
	msg := sprintf("Annex IV section %s: sha256 declared, not verified (%s)", [s, lib.label(found.reason)])
}
