"""The control library on whole policy inputs, one fixture per expected outcome.

Each fixture is a realistic input (a real demo input patched to comply, in tests/data/inputs/) changed in one
respect; each test names the exact controls that must pass, fail and not apply. A control that starts to
pass on missing evidence, or to fail on complete evidence, breaks one of these.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from ailm.policy import BUILTIN_POLICIES, create, load_policies

INPUTS = Path(__file__).parent / "data" / "inputs"
NOT_RETIRED = {"RET-003", "RET-004", "RET-005", "RET-006"}
NOT_GENERATIVE = {"GEN-001", "GEN-002", "GEN-003", "GEN-004"}
NO_CONSENT_BASIS = {"DATA-007"}


@pytest.fixture(scope="module")
def library():
    return load_policies([BUILTIN_POLICIES])


@pytest.fixture(scope="module")
def evaluator(library):
    return create("embedded", library)


def outcome(evaluator, pinput: dict[str, Any]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {"pass": set(), "fail": set(), "not_applicable": set(), "error": set()}
    for cid, d in evaluator.evaluate(pinput).items():
        key = "error" if d.error else "fail" if d.deny else "not_applicable" if d.not_applicable else "pass"
        out[key].add(cid)
    return out


def _fact(role: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"manifest:adult-income:{role}",
        "kind": f"declared.{role}",
        "sha256": "0" * 64,
        "source": {"collector": "manifest", "uri": "file:///manifest.yaml"},
        "declared": None,
        "data": data,
    }


@pytest.fixture
def compliant_deployed() -> dict[str, Any]:
    return json.loads((INPUTS / "compliant_deployed.json").read_text())


@pytest.fixture
def bare_registry_entry(compliant_deployed) -> dict[str, Any]:
    """Only what MLflow knows: the version and its run, nothing declared or measured."""
    ev = compliant_deployed["evidence"]
    evidence = {k: ev[k] for k in ("reg", "run", "registry_model", "ds")}
    return {**compliant_deployed, "evidence": evidence, "lineage_checks": {}}


@pytest.fixture
def retired_and_archived(compliant_deployed) -> dict[str, Any]:
    pinput = copy.deepcopy(compliant_deployed)
    ev = pinput["evidence"]
    ret = ev["retirement"]["data"]
    ret.update(
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
    ev["archive"] = _fact(
        "archive", {"items": [*items, {"kind": "logs", "retain_until": "2027-03-01", "sha256": "b" * 64}]}
    )
    for f in ev["ds_facts"]:
        f["data"].update(deleted_at="2026-08-15", deletion_record="DEL-2026-31")
    return pinput


@pytest.fixture
def generative_with_base_model(compliant_deployed) -> dict[str, Any]:
    pinput = copy.deepcopy(compliant_deployed)
    ev = pinput["evidence"]
    ev["inventory"]["data"]["model_type"] = "llm"
    ev["plan"]["data"]["gen_tasks"] = [{"task": "truthfulqa_mc2", "metric": "acc", "threshold": 0.45}]
    ev["base_model"] = _fact("base_model", {
        "name": "mistral-7b", "revision": "sha256:" + "d" * 64, "licence": "Apache-2.0",
        "source": "https://huggingface.co/mistralai/Mistral-7B-v0.1", "licence_permits_use": True,
        "supplier": "Mistral AI", "supplier_review_at": "2026-06-01",
    })  # fmt: skip
    ev["gen_eval"] = _fact("gen_eval", {
        "harness": "lm-evaluation-harness", "harness_version": "0.4.5", "ran_at": "2026-10-01",
        "results": [{"task": "truthfulqa_mc2", "metric": "acc", "value": 0.52}],
    })  # fmt: skip
    ev["red_team"] = _fact("red_team", {
        "ran_at": "2026-10-10", "method": "internal red team", "categories": ["prompt injection", "jailbreak"],
        "findings": [{"id": "RT-1", "severity": "critical", "status": "closed"}],
    })  # fmt: skip
    ev["gen_data"] = _fact("gen_data", {
        "summary_uri": "https://x/summary", "copyright_policy_uri": "https://x/copyright", "opt_outs_honoured": True,
        "sources": [{"name": "support tickets 2024-2026", "licence": "own data"}],
    })  # fmt: skip
    return pinput


@pytest.fixture
def expired_inventory_and_consent_gaps(compliant_deployed) -> dict[str, Any]:
    pinput = copy.deepcopy(compliant_deployed)
    ev = pinput["evidence"]
    inv = ev.pop("inventory")
    pinput["expired"] = [{"id": inv["id"], "role": "inventory", "expires": "2026-10-01T00:00:00Z"}]
    train = next(f for f in ev["ds_facts"] if f["data"]["name"] == "adult-train")
    train["data"].update(lawful_basis="consent", consent={"column": "consent"})
    ev["data_scan"]["data"]["result"]["consent_retention"][0]["consent"] = {
        "column": "consent", "status": "measured", "rows": 24129, "rows_without_valid_consent": 12,
    }  # fmt: skip
    return pinput


def test_compliant_deployed_passes_every_applicable_control(evaluator, library, compliant_deployed) -> None:
    got = outcome(evaluator, compliant_deployed)
    na = NOT_RETIRED | NOT_GENERATIVE | NO_CONSENT_BASIS
    assert got == {"pass": {c.id for c in library.controls} - na, "fail": set(), "not_applicable": na, "error": set()}


def test_bare_registry_entry_fails_everything_that_needs_evidence(evaluator, library, bare_registry_entry) -> None:
    got = outcome(evaluator, bare_registry_entry)
    passing = {"DEV-001", "GOV-004", "RET-001"}  # the run is complete, its approver independent, and recent
    assert got["error"] == set()
    assert got["not_applicable"] == (
        NOT_RETIRED | NOT_GENERATIVE | NO_CONSENT_BASIS | {"GOV-005", "DEP-001", "DEP-002", "DEP-004", "DEP-005",
         "DEP-003", "DEP-006", "DEP-007", "MON-001", "MON-002", "MON-003", "MON-004", "MON-005", "MON-006"}
    )  # fmt: skip
    assert got["pass"] == passing
    assert got["fail"] == {c.id for c in library.controls} - got["not_applicable"] - passing


def test_retired_and_archived_passes_the_retirement_controls(evaluator, library, retired_and_archived) -> None:
    got = outcome(evaluator, retired_and_archived)
    assert got["not_applicable"] == NOT_GENERATIVE | NO_CONSENT_BASIS | {"RET-001"}
    assert got["fail"] == set() and got["error"] == set()
    assert got["pass"] >= NOT_RETIRED


def test_generative_with_base_model_passes_the_gen_controls(evaluator, generative_with_base_model) -> None:
    got = outcome(evaluator, generative_with_base_model)
    assert got["not_applicable"] == NOT_RETIRED | NO_CONSENT_BASIS
    assert got["fail"] == set() and got["error"] == set()
    assert NOT_GENERATIVE | {"GOV-005"} <= got["pass"]


def test_expired_inventory_and_withdrawn_consent_fail_exactly_their_controls(
    evaluator, expired_inventory_and_consent_gaps
) -> None:
    got = outcome(evaluator, expired_inventory_and_consent_gaps)
    assert got["fail"] == {"GOV-001", "GOV-002", "DATA-007"}
    assert got["not_applicable"] == NOT_RETIRED | NOT_GENERATIVE
    decisions = evaluator.evaluate(expired_inventory_and_consent_gaps)
    assert [f.message for f in decisions["DATA-007"].deny] == [
        "train split: 12 of 24129 rows have no valid consent in column consent"
    ]
    assert decisions["GOV-001"].deny[0].evidence == ("manifest:adult-income:inventory",)
