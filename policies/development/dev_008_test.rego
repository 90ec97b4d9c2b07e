package ailm.controls.development.dev_008_test

import data.ailm.controls.development.dev_008
import rego.v1

annex := {s: sprintf("https://docs/annex-iv/%s", [s]) | some s in ["1", "2", "3", "4", "5", "6", "7", "8", "9"]}

digest := "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12"

report := {"uri": "out/report.json", "sha256": digest, "signed_by": "qa", "signature": "out/attestation.dsse.json"}

# what ailm found at the report's uri (ailm.evidence.documents.check)
found(status, reason) := {"uri": "out/report.json", "declared_sha256": digest, "status": status, "reason": reason}

matched := {"annex_iv": {}, "test_reports": [found("match", null)]}

inp(a, r) := inp_checked(a, r, matched)

inp_checked(a, r, c) := {"evidence": {
	"technical_documentation": {"id": "td", "data": {"annex_iv": a, "test_reports": r}},
	"td_check": {"id": "chk", "data": c},
}}

test_pass_complete_documentation if {
	count(dev_008.deny) == 0 with input as inp(annex, [report])
}

test_fail_missing_section if {
	dev_008.deny == {{"msg": "Annex IV section 9 is not documented", "evidence": ["td"]}} with input as inp(object.remove(annex, ["9"]), [report])
}

test_fail_unsigned_report if {
	dev_008.deny == {{"msg": "test report out/report.json has no signature", "evidence": ["td"]}} with input as inp(annex, [object.remove(report, ["signature"])])
}

test_fail_placeholder_sections_and_digest if {
	tbd := json.patch(annex, [{"op": "replace", "path": "/3", "value": "tbd"}, {"op": "replace", "path": "/7", "value": {"uri": " N/A "}}])
	dev_008.deny == {
		{"msg": "Annex IV section 3 reads \"tbd\": a placeholder, not a document", "evidence": ["td"]},
		{"msg": "Annex IV section 7 reads \" N/A \": a placeholder, not a document", "evidence": ["td"]},
		{"msg": "test report 1: sha256 reads \"TODO\": a placeholder", "evidence": ["td"]},
	} with input as inp(tbd, [object.union(report, {"sha256": "TODO"})])
}

test_fail_a_digest_that_is_not_one if {
	dev_008.deny == {{"msg": "test report out/report.json: sha256 is \"x\" (a string), not 64 hexadecimal characters", "evidence": ["td"]}} with input as inp(annex, [object.union(report, {"sha256": "x"})])
}

test_fail_an_out_of_date_digest if {
	stale := {"annex_iv": {}, "test_reports": [found("mismatch", "the file's sha256 is cd34, not the declared ab12")]}
	dev_008.deny == {{"msg": "test report out/report.json: the declared sha256 ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12 is out of date: the file's sha256 is cd34, not the declared ab12", "evidence": ["td", "chk"]}} with input as inp_checked(annex, [report], stale)
}

test_fail_a_report_file_that_is_not_there if {
	gone := {"annex_iv": {}, "test_reports": [found("missing", "/m/out/report.json does not exist")]}
	dev_008.deny == {{"msg": "test report out/report.json: /m/out/report.json does not exist", "evidence": ["td", "chk"]}} with input as inp_checked(annex, [report], gone)
}

test_fail_a_digest_declared_not_verified if {
	remote := {"annex_iv": {}, "test_reports": [found("not_verified", "ailm reads local files only and does not fetch https:// documents")]}
	dev_008.deny == {{"msg": "test report out/report.json: sha256 declared, not verified (ailm reads local files only and does not fetch https:// documents): a declared digest cannot alone satisfy this critical control", "evidence": ["td", "chk"]}} with input as inp_checked(annex, [report], remote)
}

test_fail_without_a_check_the_digest_is_not_verified if {
	unchecked := {"evidence": {"technical_documentation": {"id": "td", "data": {"annex_iv": annex, "test_reports": [report]}}}}
	some f in dev_008.deny with input as unchecked
	f.msg == "test report out/report.json: sha256 declared, not verified (ailm did not check it: no td_check record): a declared digest cannot alone satisfy this critical control"
}

test_fail_a_section_file_that_differs if {
	c := {"annex_iv": {"2": {"status": "mismatch", "reason": "the file's sha256 is cd34, not the declared ab12"}}, "test_reports": [found("match", null)]}
	dev_008.deny == {{"msg": "Annex IV section 2: the file's sha256 is cd34, not the declared ab12", "evidence": ["td", "chk"]}} with input as inp_checked(annex, [report], c)
}
