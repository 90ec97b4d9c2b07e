"""A registry shares datasets across models: facts several manifests declare about one dataset merge, and facts
that differ are a conflict finding naming both sources, never an engine error or a silent choice."""

from __future__ import annotations

import json
from pathlib import Path

SECOND = """
apiVersion: ailm/v1
kind: Manifest
model: adult-income-challenger
asserted_by: head-of-credit-risk@example.org
asserted_at: 2026-01-05T09:00:00Z
datasets:
  - name: uci-adult-data
    data: {data}
"""


def _facts_of(manifest: Path, name: str) -> dict[str, object]:
    import yaml

    doc = yaml.safe_load(manifest.read_text())
    return next(d["data"] for d in doc["datasets"] if d["name"] == name)


def _audit(run_cli, folder: Path, out: Path, data: dict[str, object]):  # type: ignore[no-untyped-def]
    (folder / "second.yaml").write_text(SECOND.format(data=json.dumps(data, default=str)))
    cfg = folder / "ailm.yaml"
    if "second.yaml" not in cfg.read_text():
        cfg.write_text(
            cfg.read_text().replace("collectors:\n", "collectors:\n  - name: manifest\n    path: second.yaml\n", 1)
        )
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--as-of", "2026-11-23", "--format", "json")
    report = json.loads((out / "report.json").read_text()) if (out / "report.json").exists() else None
    return res, report


def test_identical_facts_from_two_manifests_are_one(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    facts = _facts_of(demo_copy / "manifest.yaml", "uci-adult-data")
    res, report = _audit(run_cli, demo_copy, tmp_path / "o", facts)
    assert res.code == 1, res.err  # the demo's honest verdict, not an engine error
    status = {r["control"]: r["status"] for r in report["results"]}
    assert status["DATA-010"] == "pass" and status["DATA-001"] == "pass"
    inputs = json.loads((tmp_path / "o" / "inputs.json").read_text())
    names = [f["data"]["name"] for f in inputs[0]["evidence"]["ds_facts"]]
    assert names.count("uci-adult-data") == 1  # one set of facts per dataset in the policy input


def test_differing_facts_are_a_conflict_naming_both_sources(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    facts = {**_facts_of(demo_copy / "manifest.yaml", "uci-adult-data"), "licence": "proprietary"}
    res, report = _audit(run_cli, demo_copy, tmp_path / "o", facts)
    assert res.code == 1, res.err
    data010 = next(r for r in report["results"] if r["control"] == "DATA-010")
    assert data010["status"] == "fail"
    message = next(f["message"] for f in data010["findings"] if "declared facts" in f["message"])
    assert "manifest:adult-income:dataset:uci-adult-data says sha256:" in message
    assert "manifest:adult-income-challenger:dataset:uci-adult-data says sha256:" in message
