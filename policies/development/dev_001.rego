# METADATA
# title: Training run is reproducible and the registered artifact is the one measured
# description: >-
#   The model version must point to exactly one training run, and that run must record the code commit,
#   the digest of every dataset, its hyperparameters, a random seed and the container image digest. The
#   artifact the registry serves must be the artifact ailm measured (same sha256), and each dataset the run
#   logged must be the file ailm measured (the row and element counts MLflow's profile recorded).
# custom:
#   id: DEV-001
#   severity: high
#   stage: development
#   evidence: [reg, run, fair, shap, perf, data_scan]
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

run := lib.data_of("run")

run_name := lib.label(lib.get(run, "run_id"))

deny contains {"msg": lib.absent(role), "evidence": lib.absent_ids(role)} if {
	some role in ["reg", "run"]
	not lib.has(role)
}

deny contains {"msg": sprintf("the registry version's status is %s, not READY: it was never registered whole", [lib.label(status)]), "evidence": [reg.id]} if {
	reg := input.evidence.reg
	status := lib.get(reg.data, "status")
	status != null
	status != "READY"
}

deny contains {"msg": sprintf("training run %s is %s in the tracking store, so its record cannot be relied on", [run_name, stage]), "evidence": [input.evidence.run.id]} if {
	stage := lib.get(run, "lifecycle_stage")
	stage != null
	stage != "active"
}

deny contains {"msg": "the registry version names no source run", "evidence": [reg.id]} if {
	reg := input.evidence.reg
	not lib.filled(lib.get(reg.data, "run_id"))
}

deny contains {"msg": sprintf("the registry version names run %s but run %s was collected", [lib.label(lib.get(reg.data, "run_id")), run_name]), "evidence": [reg.id, input.evidence.run.id]} if {
	reg := input.evidence.reg
	lib.has("run")
	lib.get(reg.data, "run_id") != lib.get(run, "run_id")
}

deny contains {"msg": "the registry version has no artifact digest, so the artifact cannot be shown to be the one trained and measured", "evidence": [reg.id]} if {
	reg := input.evidence.reg
	not lib.filled(lib.get(reg.data, "artifact_digest"))
}

deny contains {"msg": sprintf("training run %s records no %s", [run_name, what]), "evidence": [input.evidence.run.id]} if {
	lib.has("run")
	some what in missing
}

missing contains "git commit" if not lib.filled(lib.get(run, "git_commit"))

missing contains "hyperparameters" if not lib.filled(lib.get(run, "params"))

missing contains "dataset inputs" if not lib.filled(lib.get(run, "datasets"))

missing contains sprintf("digest for dataset %s", [lib.label(object.get(lib.obj(d), "name", i))]) if {
	some i, d in lib.list(lib.get(run, "datasets"))
	not lib.filled(lib.get(d, "digest"))
}

missing contains "random seed" if {
	seeds := [v | some k in ["seed", "random_state"]; some where in ["params", "tags"]; v := lib.at(run, [where, k]); lib.filled(v)]
	count(seeds) == 0
}

missing contains "container image digest (tag container_digest)" if {
	not lib.filled(lib.at(run, ["tags", "container_digest"]))
}

deny contains {"msg": msg, "evidence": [reg.id, rec.id]} if {
	reg := input.evidence.reg
	some role in ["fair", "shap", "perf"]
	rec := input.evidence[role]
	measured := lib.at(rec.data, ["inputs", "model", "artifact_sha256"])
	measured != lib.get(reg.data, "artifact_digest")
	msg := sprintf("the registry artifact (sha256 %s) is not the artifact measured by %s (sha256 %s)", [lib.label(lib.get(reg.data, "artifact_digest")), rec.id, lib.label(measured)])
}

deny contains {"msg": msg, "evidence": [input.evidence.data_scan.id]} if {
	some d in lib.list(lib.at(lib.data_of("data_scan"), ["result", "datasets"]))
	count(lib.list(lib.get(d, "disagreements"))) > 0
	logged := lib.obj(lib.get(d, "logged_by_run"))
	msg := sprintf("the %s dataset run %s logged (%s, MLflow digest %s) is not the file ailm measured (%s, sha256 %s): %s", [lib.label(lib.get(d, "role")), run_name, lib.label(lib.get(logged, "evidence")), lib.label(lib.get(logged, "digest")), lib.label(lib.get(d, "uri")), lib.label(lib.get(d, "sha256")), concat("; ", [lib.label(x) | some x in lib.list(lib.get(d, "disagreements"))])])
}
