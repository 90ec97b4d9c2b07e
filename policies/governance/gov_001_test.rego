package ailm.controls.governance.gov_001_test

import data.ailm.controls.governance.gov_001
import rego.v1

good := {
	"evidence": {
		"reg": {"id": "r", "data": {"name": "m", "version": "1"}},
		"inventory": {"id": "i", "data": {"inventory_id": "AI-7", "owner": "team", "risk_tier": "high"}},
	},
	"expired": [],
}

test_pass_complete_inventory if {
	count(gov_001.deny) == 0 with input as good
}

test_fail_missing_inventory if {
	gov_001.deny == {{"msg": "evidence 'inventory' is missing", "evidence": ["r"]}} with input as {"evidence": {"reg": good.evidence.reg}, "expired": []}
}

test_fail_expired_inventory if {
	some f in gov_001.deny with input as {"evidence": {"reg": good.evidence.reg}, "expired": [{"id": "i", "role": "inventory", "expires": "2026-01-01T00:00:00Z"}]}
	contains(f.msg, "expired on 2026-01-01")
	f.evidence == ["i"]
}

test_fail_unknown_tier if {
	inv := json.patch(good, [{"op": "replace", "path": "/evidence/inventory/data/risk_tier", "value": "extreme"}])
	some f in gov_001.deny with input as inv
	contains(f.msg, "risk_tier is \"extreme\" (a string), not one of")
}
