# METADATA
# title: Lineage from the model version back to raw data is complete and hash-consistent
# description: >-
#   Every dataset upstream of the model version must either have been produced by a run the audit knows
#   (a training or preparation job in MLflow, OpenLineage or DVC) or be declared raw, so that the chain from
#   the deployed version reaches raw data without a gap; and no two sources may give one dataset different
#   digests (a stale lock file, an overwritten file, a mislabelled version).
# custom:
#   id: DATA-010
#   severity: high
#   stage: data
#   evidence: [ds, ds_facts, reg]
#   remediation: >-
#     Collect the lineage of the preparation steps (OpenLineage events or dvc.lock) or declare the source
#     dataset raw (raw: true in its facts, with its uri); re-run the step or restore the data whose digest
#     disagrees, and re-collect.
#   frameworks:
#     eu_ai_act: ["Art. 10(2)(b)", "Art. 12(2)(a)", "Annex IV 2(d)"]
#     nist_ai_rmf: ["MAP 2.3", "MEASURE 2.1"]
#     iso_42001: ["A.7.5", "A.6.2.3"]
package ailm.controls.data.data_010

import data.ailm.lib
import rego.v1

checks := lib.obj(lib.get(input, "lineage_checks"))

upstream := lib.list(lib.get(checks, "datasets"))

deny contains {"msg": "no dataset is upstream of the model version in the lineage graph", "evidence": lib.id_of("reg")} if {
	count(upstream) == 0
}

deny contains {"msg": msg, "evidence": ids} if {
	some d in upstream
	count(lib.list(lib.get(d, "produced_by"))) == 0
	lib.get(d, "raw") != true
	id := lib.get(d, "id")
	ids := array.concat(lib.id_of("reg"), [f.id | some f in lib.records("ds_facts"); concat("", ["dataset:", lib.label(lib.get(f.data, "name"))]) == id])
	msg := sprintf("lineage stops at dataset %s: no known run produced it and it is not declared raw", [lib.label(id)])
}

deny contains {"msg": msg, "evidence": lib.id_of("reg")} if {
	some c in lib.list(lib.get(checks, "hash_conflicts"))
	parts := [sprintf("%s says %s", [lib.label(lib.get(v, "source")), lib.label(lib.get(v, "value"))]) | some v in lib.list(lib.get(c, "values"))]
	msg := sprintf("sources disagree on the %s of %s: %s", [lib.label(lib.get(c, "key")), lib.label(lib.get(c, "node")), concat("; ", parts)])
}
