package ailm.controls.deployment.dep_003_test

import data.ailm.controls.deployment.dep_003
import rego.v1

inp(days) := {
	"evidence": {"deployment": {"id": "dep1", "data": {"logging": {
		"fields": ["timestamp", "model_version", "input_reference", "output", "operator"],
		"retention_days": days,
		"append_only": true,
	}}}},
	"expired": [],
}

test_pass_logging_complete if {
	count(dep_003.deny) == 0 with input as inp(365)
	count(dep_003.not_applicable) == 0 with input as inp(365)
}

test_fail_short_retention if {
	dep_003.deny == {{"msg": "inference logs are kept 90 days, less than the required 183", "evidence": ["dep1"]}} with input as inp(90)
}

test_not_applicable_without_deployment if {
	dep_003.not_applicable == {"the version has no declared deployment"} with input as {"evidence": {}, "expired": []}
	count(dep_003.deny) == 0 with input as {"evidence": {}, "expired": []}
}

test_fail_missing_fields if {
	some f in dep_003.deny with input as json.patch(inp(365), [{"op": "replace", "path": "/evidence/deployment/data/logging/fields", "value": ["timestamp"]}])
	f.msg == "inference log records lack the fields [\"input_reference\", \"model_version\", \"operator\", \"output\"]"
}
