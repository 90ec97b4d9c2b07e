package ailm.controls.deployment.dep_001_test

import data.ailm.controls.deployment.dep_001
import rego.v1

good := {"evidence": {
	"deployment": {"id": "dep", "data": {"approved_by": "cro", "approved_at": "2026-03-02T09:00:00Z", "artifact_digest": "aa"}},
	"reg": {"id": "reg", "data": {"artifact_digest": "aa"}},
	"run": {"id": "run", "data": {"ended_at": "2026-03-01T18:00:00Z"}},
}}

test_pass_approved_after_evaluation if {
	count(dep_001.deny) == 0 with input as good
}

test_not_applicable_when_not_deployed if {
	dep_001.not_applicable == {"the version has no declared deployment"} with input as {"evidence": {}}
}

test_fail_approved_before_evaluation if {
	bad := json.patch(good, [{"op": "replace", "path": "/evidence/deployment/data/approved_at", "value": "2026-02-01"}])
	dep_001.deny == {{"msg": "deployment approved at 2026-02-01, before the latest evaluation ended at 2026-03-01T18:00:00Z", "evidence": ["dep", "run"]}} with input as bad
}

test_fail_other_artifact if {
	bad := json.patch(good, [{"op": "replace", "path": "/evidence/deployment/data/artifact_digest", "value": "bb"}])
	some f in dep_001.deny with input as bad
	f.msg == "the deployed artifact bb is not the registry's artifact aa"
}
