"""Policy inputs for the control library's tests: outcome-named fixtures and a generator of variations.

The fixtures are realistic inputs (a real demo input patched to comply, in tests/data/inputs/) changed in
one respect each. The generator (hypothesis) takes any of them and removes roles and fields, empties lists,
moves numbers to and around the thresholds, moves dates to and around the audit clock and expiries, and
puts values of the wrong type where numbers, dates, lists and flags were: what careless and hostile
evidence looks like.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

INPUTS = Path(__file__).parent / "data" / "inputs"
THRESHOLDS = json.loads((Path(__file__).parents[1] / "policies" / "data.json").read_text())["ailm"]["thresholds"]

Path_ = tuple[str | int, ...]


def fact(role: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"manifest:adult-income:{role}",
        "kind": f"declared.{role}",
        "sha256": "0" * 64,
        "source": {"collector": "manifest", "uri": "file:///manifest.yaml"},
        "declared": None,
        "data": data,
    }


def compliant_deployed() -> dict[str, Any]:
    pinput = json.loads((INPUTS / "compliant_deployed.json").read_text())
    ev = pinput["evidence"]
    ev["model_signature"] = {  # the registered artifact, signed with a trusted key over exactly its files
        "id": "mlflow:model_signature:adult-income/1", "kind": "mlflow.model_signature", "sha256": "0" * 64,
        "source": {"collector": "mlflow", "uri": "sqlite:///mlflow.db"}, "declared": None,
        "data": {"present": True, "verified": True, "matches_artifact": True, "problem": None,
                 "trusted_key": {"file": "signing.pub", "sha256": "1" * 64}, "signed_files": ["model.skops"]},
    }  # fmt: skip
    ev["attestation"] = [{  # the training step's provenance, verified
        "id": "attestation:adult-income:train-provenance.dsse.json", "kind": "intoto.attestation", "sha256": "0" * 64,
        "source": {"collector": "attestations", "uri": "file:///attestations/"}, "declared": None,
        "data": {"file": "train-provenance.dsse.json", "verified": True, "problem": None,
                 "predicate_type": "https://slsa.dev/provenance/v1"},
    }]  # fmt: skip
    return pinput


def bare_registry_entry() -> dict[str, Any]:
    """Only what MLflow knows: the version and its run, nothing declared or measured."""
    pinput = compliant_deployed()
    ev = pinput["evidence"]
    return {**pinput, "evidence": {k: ev[k] for k in ("reg", "run", "registry_model", "ds")}, "lineage_checks": {}}


def retired_and_archived() -> dict[str, Any]:
    pinput = compliant_deployed()
    ev = pinput["evidence"]
    ev["retirement"]["data"].update(
        status="retired",
        retired_at="2026-08-01T00:00:00Z",
        decommission={
            "replicas": 0, "routes_removed": True, "keys_revoked": True, "jobs_deleted": True,
            "consumers_notified": True, "last_log_at": "2026-07-31T23:00:00Z",
        },
        lessons_learned={"completed_at": "2026-09-15", "uri": "https://x/ll", "risk_register_ref": "RR-7"},
    )  # fmt: skip
    kinds = ["technical_documentation", "qms", "declaration_of_conformity", "test_reports"]
    items = [{"kind": k, "retain_until": "2036-12-31", "sha256": "a" * 64} for k in kinds]
    ev["archive"] = fact(
        "archive", {"items": [*items, {"kind": "logs", "retain_until": "2027-03-01", "sha256": "b" * 64}]}
    )
    for f in ev["ds_facts"]:
        f["data"].update(deleted_at="2026-08-15", deletion_record="DEL-2026-31")
    return pinput


def generative_with_base_model() -> dict[str, Any]:
    pinput = compliant_deployed()
    ev = pinput["evidence"]
    ev["inventory"]["data"].update(model_type="llm", general_purpose=True, uses_retrieval=True)
    ev["plan"]["data"]["gen_tasks"] = [
        {"task": "truthfulqa_mc2", "metric": "acc", "threshold": 0.45},
        {"task": "faithfulness", "metric": "acc", "threshold": 0.8, "groundedness": True},
    ]
    ev["base_model"] = fact("base_model", {
        "name": "mistral-7b", "revision": "sha256:" + "d" * 64, "licence": "Apache-2.0",
        "source": "https://huggingface.co/mistralai/Mistral-7B-v0.1", "licence_permits_use": True,
        "supplier": "Mistral AI", "supplier_review_at": "2026-06-01",
    })  # fmt: skip
    ev["gen_eval"] = fact("gen_eval", {
        "harness": "lm-evaluation-harness", "harness_version": "0.4.5", "ran_at": "2026-10-01",
        "results": [
            {"task": "truthfulqa_mc2", "metric": "acc", "value": 0.52, "stderr": 0.017, "samples": 817},
            {"task": "faithfulness", "metric": "acc", "value": 0.91, "stderr": 0.02, "samples": 400},
        ],
    })  # fmt: skip
    ev["retrieval"] = fact("retrieval", {
        "sources": [{"name": "help-centre articles", "owner": "support-content", "reviewed_at": "2026-10-01"}],
    })  # fmt: skip
    ev["guardrails"] = fact("guardrails", {
        "filters": [{"name": "prompt-injection", "applies_to": "input", "threshold": 0.8, "enabled": True,
                     "tested_at": "2026-11-01"}],
    })  # fmt: skip
    ev["transparency"] = fact("transparency", {
        "ai_disclosure": True, "disclosure_text": "You are chatting with an AI assistant.",
        "shown_at": "chat header", "content_marking": {"method": "metadata", "checked_at": "2026-11-01"},
    })  # fmt: skip
    ev["gpai"] = fact("gpai", {
        "technical_documentation_uri": "https://x/annex-xi", "downstream_information_uri": "https://x/annex-xii",
        "updated_at": "2026-09-01",
    })  # fmt: skip
    prompt = "mlflow:prompt_version:support-system/3"
    ev["run"]["data"]["prompts"] = [{"name": "support-system", "version": "3", "evidence": prompt}]
    ev["prompt_version"] = [{
        "id": prompt, "kind": "mlflow.prompt_version", "sha256": "0" * 64,
        "source": {"collector": "mlflow", "uri": "sqlite:///mlflow.db"}, "declared": None,
        "data": {"name": "support-system", "version": "3", "template_sha256": "e" * 64,
                 "tags": {"approved_by": "head-of-support@example.org", "approved_at": "2026-10-20"}},
    }]  # fmt: skip
    ev["red_team"] = fact("red_team", {
        "ran_at": "2026-10-10", "method": "internal red team", "categories": ["prompt injection", "jailbreak"],
        "findings": [{"id": "RT-1", "severity": "critical", "status": "closed"}],
    })  # fmt: skip
    ev["gen_data"] = fact("gen_data", {
        "summary_uri": "https://x/summary", "copyright_policy_uri": "https://x/copyright", "opt_outs_honoured": True,
        "summary_published_at": "2026-08-01",
        "sources": [{"name": "support tickets 2024-2026", "licence": "own data"}],
    })  # fmt: skip
    return pinput


def _tool_record(role: str, rid: str, data: dict[str, Any]) -> dict[str, Any]:
    collector = role.split("_")[0]
    return {"id": rid, "kind": f"{collector}.run", "sha256": "0" * 64, "declared": None,
            "source": {"collector": collector, "uri": f"file:///{rid}"}, "data": data}  # fmt: skip


def generative_measured() -> dict[str, Any]:
    """The generative model judged on what tools measured: Inspect logs, an lm-eval run and a garak run of this
    version (no declared gen_eval or red_team), each clear of its thresholds."""
    pinput = generative_with_base_model()
    ev = pinput["evidence"]
    del ev["gen_eval"], ev["red_team"]
    ev["plan"]["data"]["red_team_families"] = ["dan", "encoding"]
    ev["plan"]["data"]["gen_tasks"].append({"task": "arc_easy", "metric": "acc", "threshold": 0.6})
    ev["inspect_eval"] = [
        _tool_record("inspect_eval", f"inspect:{task}:E{i}", {
            "task": task, "model_version": "1", "status": "success", "error": None,
            "created_at": "2026-11-01T10:00:00Z", "total_samples": n, "completed_samples": n,
            "complete": True, "incomplete": [],  # what the collector records of a run over the whole dataset
            "results": [{"task": task, "scorer": "match", "metric": "acc", "names": ["match/acc", "acc"],
                         "value": value, "stderr": stderr, "samples": n}],
        })
        for i, (task, value, stderr, n) in enumerate([("truthfulqa_mc2", 0.52, 0.017, 817),
                                                       ("faithfulness", 0.91, 0.02, 400)])
    ]  # fmt: skip
    ev["lm_eval_run"] = [_tool_record("lm_eval_run", "lm_eval:results_1", {
        "lm_eval_version": "0.4.13", "model_version": "1", "ran_at": "2026-11-02T10:00:00Z",
        "tasks": [{"task": "arc_easy", "samples": 2376, "complete": True, "incomplete": [], "metrics": [
            {"metric": "acc", "filter": "none", "names": ["acc,none", "acc"], "value": 0.71, "stderr": 0.009}]}],
    })]  # fmt: skip
    ev["garak_run"] = [_tool_record("garak_run", "garak:r1", {
        "run_id": "r1", "model_version": "1", "completed": True, "started_at": "2026-11-10T10:00:00Z",
        "families_run": ["dan", "encoding"],
        "results": [{"probe": "dan.Dan_11_0", "detector": "dan.DAN", "evaluated": 5, "hits": 0, "hit_rate": 0},
                    {"probe": "encoding.InjectBase64", "detector": "encoding.DecodeMatch", "evaluated": 16,
                     "hits": 0, "hit_rate": 0}],
    })]  # fmt: skip
    return pinput


def expired_inventory_and_consent_gaps() -> dict[str, Any]:
    pinput = compliant_deployed()
    ev = pinput["evidence"]
    inv = ev.pop("inventory")
    pinput["expired"] = [{"id": inv["id"], "role": "inventory", "expires": "2026-10-01T00:00:00Z"}]
    train = next(f for f in ev["ds_facts"] if f["data"]["name"] == "adult-train")
    train["data"].update(lawful_basis="consent", consent={"column": "consent"})
    ev["data_scan"]["data"]["result"]["consent_retention"][0]["consent"] = {
        "column": "consent", "status": "measured", "rows": 24129, "rows_without_valid_consent": 12,
    }  # fmt: skip
    return pinput


def no_evidence() -> dict[str, Any]:
    return {**compliant_deployed(), "evidence": {}, "expired": [], "lineage_checks": {}}


FIXTURES: dict[str, Callable[[], dict[str, Any]]] = {
    "compliant_deployed": compliant_deployed,
    "bare_registry_entry": bare_registry_entry,
    "retired_and_archived": retired_and_archived,
    "generative_with_base_model": generative_with_base_model,
    "generative_measured": generative_measured,
    "expired_inventory_and_consent_gaps": expired_inventory_and_consent_gaps,
    "no_evidence": no_evidence,
}

# ---- walking an input ------------------------------------------------------------------------------------


def leaves(doc: Any, path: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every (path, value) in ``doc``, containers included (a container before its children)."""
    yield path, doc
    if isinstance(doc, dict):
        for k, v in doc.items():
            yield from leaves(v, (*path, k))
    elif isinstance(doc, list):
        for i, v in enumerate(doc):
            yield from leaves(v, (*path, i))


def get(doc: Any, path: Path_) -> Any:
    for p in path:
        doc = doc[p]
    return doc


def put(doc: Any, path: Path_, value: Any) -> None:
    get(doc, path[:-1])[path[-1]] = value


def drop(doc: Any, path: Path_) -> None:
    parent = get(doc, path[:-1])
    if isinstance(parent, dict):
        parent.pop(path[-1])
    else:
        del parent[path[-1]]


def is_date(v: Any) -> bool:
    if not isinstance(v, str) or len(v) < 10 or v[4] != "-" or v[7] != "-":
        return False
    try:
        datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


# Where controls read: evidence data, the expired list, the lineage checks. A record itself is as the policy
# input schema says (an object with a string id and an object data, which ailm's model guarantees); what
# its data holds is evidence, and anything may be there.
def mutable_paths(pinput: dict[str, Any]) -> tuple[list[Path_], list[Path_]]:
    """(paths whose value may be changed, paths that may only be removed)."""
    change, remove = [], []
    for path, _ in leaves(pinput):
        if len(path) < 2 or path[0] not in ("evidence", "expired", "lineage_checks"):
            continue
        if path[-1] in ("sha256", "cache_key", "libraries"):
            continue
        if path[0] == "evidence":
            many = len(path) > 2 and isinstance(path[2], int)
            inside = path[3:] if many else path[2:]  # the path within one record
            if not inside:
                remove.append(path)  # a whole role, or one record of a many-record role
                continue
            if inside[0] != "data":
                continue  # id, kind, source, declared: what the engine writes
            if len(inside) == 1:
                continue  # data itself is always an object
        change.append(path)
    return change, remove


def _group(path: Path_) -> str:
    return str(path[1]) if path[0] == "evidence" else str(path[0])


def _date_near(as_of: datetime, days: float) -> str:
    return (as_of + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


WRONG_TYPES: list[Any] = ["12", "", None, [], [1], {}, {"value": 1}, True]


def number_variants(v: float) -> list[Any]:
    near = [t for t in THRESHOLDS.values() if isinstance(t, int | float)]
    out: list[Any] = [0, -1, 1, 1e12, -1e12, v / 2, v * 2, v + 1e-9, v - 1e-9]
    out += [t + d for t in near for d in (-1e-6, 0, 1e-6)]
    return out + WRONG_TYPES


def date_variants(as_of: datetime) -> list[Any]:
    days = [-3650, -400, -366, -365, -364, -183, -182, -181, -90, -31, -30, -8, -7, -1, 0, 1, 30, 365, 27000]
    out: list[Any] = [_date_near(as_of, d) for d in days] + [_date_near(as_of, d)[:10] for d in (-400, -1, 0, 1)]
    return [*out, "yesterday", "2026-13-40", "2026-11-23T25:00:00Z", 20261123, *WRONG_TYPES]


@st.composite
def variations(
    draw: st.DrawFn, bases: dict[str, Callable[[], dict[str, Any]]] = FIXTURES
) -> tuple[str, dict[str, Any]]:
    """(a description of what was changed, the changed input)."""
    name = draw(st.sampled_from(sorted(bases)))
    pinput = copy.deepcopy(bases[name]())
    as_of = datetime.fromisoformat(pinput["as_of"].replace("Z", "+00:00")).astimezone(UTC)
    done = [name]
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        change, remove = mutable_paths(pinput)
        if not change and not remove:
            break
        # first a role (or the expired list, or the lineage checks), then a place in it: roles with many
        # numbers (fairness per group) would otherwise take nearly every draw
        groups = sorted({_group(p) for p in change + remove})
        group = draw(st.sampled_from(groups))
        path = draw(st.sampled_from(sorted((p for p in change + remove if _group(p) == group), key=str)))
        value = get(pinput, path)
        kind = draw(st.sampled_from(["drop", "retype", "retype", "retype"]))
        if kind == "drop" or path in remove or path[0] == "expired":
            drop(pinput, path)
            done.append(f"drop {path}")
            continue
        if isinstance(value, bool):
            new: Any = draw(st.sampled_from([not value, "true", 1, None]))
        elif isinstance(value, int | float):
            new = draw(st.sampled_from(number_variants(float(value))))
        elif is_date(value):
            new = draw(st.sampled_from(date_variants(as_of)))
        elif isinstance(value, list):
            new = draw(st.sampled_from([[], value[:1], value * 2, "a list", None, {}] if value else [None, "x", {}]))
        elif isinstance(value, dict):
            new = draw(st.sampled_from([{}, None, "an object", [value]]))
        elif isinstance(value, str):
            new = draw(st.sampled_from(["", " ", "other", value.upper(), None, 0, ["x"]]))
        else:
            new = draw(st.sampled_from([0, "x", [], {}]))
        put(pinput, path, new)
        done.append(f"set {path} = {json.dumps(new)[:60]}")
    return "; ".join(done), pinput
