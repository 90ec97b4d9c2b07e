package ailm.controls.data.data_010_test

import data.ailm.controls.data.data_010
import rego.v1

reg := {"reg": {"id": "reg", "data": {}}}

ds(id, producers, raw) := {"id": id, "produced_by": producers, "raw": raw}

test_pass_chain_to_raw_data if {
	count(data_010.deny) == 0 with input as {"evidence": reg, "lineage_checks": {"datasets": [ds("dataset:train", ["run:prep"], false), ds("dataset:raw", [], true)], "hash_conflicts": []}}
}

test_fail_gap_in_the_chain if {
	data_010.deny == {{"msg": "lineage stops at dataset dataset:train: no known run produced it and it is not declared raw", "evidence": ["reg"]}} with input as {"evidence": reg, "lineage_checks": {"datasets": [ds("dataset:train", [], false)]}}
}

test_fail_digest_conflict if {
	conflict := {"node": "dataset:train", "key": "sha256", "values": [{"source": "openlineage", "value": "aa"}, {"source": "profile", "value": "bb"}]}
	data_010.deny == {{"msg": "sources disagree on the sha256 of dataset:train: openlineage says aa; profile says bb", "evidence": ["reg"]}} with input as {"evidence": reg, "lineage_checks": {"datasets": [ds("dataset:train", [], true)], "hash_conflicts": [conflict]}}
}

test_fail_no_lineage if {
	count(data_010.deny) == 1 with input as {"evidence": reg}
}
