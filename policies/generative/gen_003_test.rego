package ailm.controls.generative.gen_003_test

import data.ailm.controls.generative.gen_003
import rego.v1

bm := {"name": "mistral-7b", "revision": "sha256:ab12", "licence": "Apache-2.0", "source": "https://huggingface.co/mistralai", "licence_permits_use": true}

test_pass_pinned_licensed_base if {
	count(gen_003.deny) == 0 with input as {"evidence": {"base_model": {"id": "bm", "data": bm}}}
}

test_fail_unpinned_unreviewed if {
	gen_003.deny == {
		{"msg": "base_model declares no revision", "evidence": ["bm"]},
		{"msg": "the licence Apache-2.0 of base model mistral-7b is not confirmed to permit the intended use", "evidence": ["bm"]},
	} with input as {"evidence": {"base_model": {"id": "bm", "data": object.remove(bm, ["revision", "licence_permits_use"])}}}
}

test_fail_llm_without_base_model if {
	gen_003.deny == {{"msg": "evidence 'base_model' is missing", "evidence": []}} with input as {"evidence": {"inventory": {"id": "i", "data": {"model_type": "llm"}}}, "expired": []}
}
