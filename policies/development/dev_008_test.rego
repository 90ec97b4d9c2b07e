package ailm.controls.development.dev_008_test

import data.ailm.controls.development.dev_008
import rego.v1

annex := {s: sprintf("https://docs/annex-iv/%s", [s]) | some s in ["1", "2", "3", "4", "5", "6", "7", "8", "9"]}

report := {"uri": "out/report.json", "sha256": "ab", "signed_by": "qa", "signature": "out/attestation.dsse.json"}

inp(a, r) := {"evidence": {"technical_documentation": {"id": "td", "data": {"annex_iv": a, "test_reports": r}}}}

test_pass_complete_documentation if {
	count(dev_008.deny) == 0 with input as inp(annex, [report])
}

test_fail_missing_section if {
	dev_008.deny == {{"msg": "Annex IV section 9 is not documented", "evidence": ["td"]}} with input as inp(object.remove(annex, ["9"]), [report])
}

test_fail_unsigned_report if {
	dev_008.deny == {{"msg": "test report out/report.json has no signature", "evidence": ["td"]}} with input as inp(annex, [object.remove(report, ["signature"])])
}
