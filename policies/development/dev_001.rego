# METADATA
# title: Training run is reproducible and the registered artifact is the one measured
# description: >-
#   The model version must point to exactly one training run, and that run must record the code commit,
#   the digest of every dataset, its hyperparameters, a random seed and the container image digest. The
#   artifact the registry serves must be the artifact ailm measured (same sha256).
# custom:
#   id: DEV-001
#   severity: high
#   stage: development
#   evidence: [reg, run, fair, shap]
#   remediation: >-
#     Log the git commit (mlflow.source.git.commit), dataset inputs with digests, params, a seed (param
#     seed or random_state, or tag seed) and the image digest (tag container_digest) on the training run;
#     register the version from that run.
#   frameworks:
#     eu_ai_act: ["Art. 11", "Art. 12(2)(a)", "Annex IV 2(a)-(c)"]
#     nist_ai_rmf: ["MEASURE 2.1"]
#     iso_42001: ["A.6.2.3"]
package ailm.controls.development.dev_001

import data.ailm.lib
import rego.v1

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["reg", "run"]
	not input.evidence[role]
}

deny contains {"msg": "the registry version names no source run", "evidence": [reg.id]} if {
	reg := input.evidence.reg
	not lib.filled(object.get(reg.data, "run_id", null))
}

deny contains {"msg": sprintf("the registry version names run %v but run %v was collected", [reg.data.run_id, run.data.run_id]), "evidence": [reg.id, run.id]} if {
	reg := input.evidence.reg
	run := input.evidence.run
	reg.data.run_id != run.data.run_id
}

deny contains {"msg": sprintf("training run %s records no %s", [run.data.run_id, what]), "evidence": [run.id]} if {
	run := input.evidence.run
	some what in missing
}

missing contains "git commit" if not lib.filled(object.get(lib.data_of("run"), "git_commit", null))

missing contains "hyperparameters" if not lib.filled(object.get(lib.data_of("run"), "params", null))

missing contains "dataset inputs" if not lib.filled(object.get(lib.data_of("run"), "datasets", null))

missing contains sprintf("digest for dataset %v", [object.get(d, "name", i)]) if {
	some i, d in object.get(lib.data_of("run"), "datasets", [])
	not lib.filled(object.get(d, "digest", null))
}

missing contains "random seed" if {
	run := lib.data_of("run")
	seeds := [v | some k in ["seed", "random_state"]; v := object.get(object.get(run, "params", {}), k, object.get(object.get(run, "tags", {}), k, null)); v != null]
	count(seeds) == 0
}

missing contains "container image digest (tag container_digest)" if {
	not lib.filled(object.get(object.get(lib.data_of("run"), "tags", {}), "container_digest", null))
}

deny contains {"msg": sprintf("the registry artifact (sha256 %s) is not the artifact measured by %s (sha256 %s)", [reg.data.artifact_digest, rec.id, measured]), "evidence": [reg.id, rec.id]} if {
	reg := input.evidence.reg
	some role in ["fair", "shap"]
	rec := input.evidence[role]
	measured := rec.data.inputs.model.artifact_sha256
	measured != reg.data.artifact_digest
}
