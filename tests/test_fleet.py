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


def _subjects(folder: Path, block: str) -> Path:
    cfg = folder / "ailm.yaml"
    text = cfg.read_text()
    start = text.index("subjects:\n")
    end = text.index("fail_on:")
    cfg.write_text(text[:start] + block + text[end:])
    return cfg


def test_a_glob_selector_reports_each_model_without_a_matching_version(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    cfg = _subjects(
        demo_copy, 'subjects:\n  - {model: "adult-*", version: "@champion"}\n  - {model: "*", version: "@retired"}\n'
    )
    res = run_cli(
        "audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign", "--as-of", "2026-11-23", "--format", "json"
    )
    assert res.code == 1, res.err
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert [s["id"] for s in report["subjects"]] == ["model_version:adult-income/1"]
    assert any("subjects[1]" in n and "model adult-income has no version that matches" in n for n in report["notes"])


def test_a_glob_that_matches_no_model_and_a_tag_no_version_has_are_bad_input(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    cfg = _subjects(demo_copy, 'subjects:\n  - {model: "fraud-*"}\n')
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign", "--as-of", "2026-11-23")
    assert (
        res.code == 2
        and f"{cfg}:20: subjects[0]: no registered model matches 'fraud-*' (found: adult-income)" in res.err
    )
    cfg = _subjects(demo_copy, "subjects:\n  - {model: adult-income, tags: {team: fraud}}\n")
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign", "--as-of", "2026-11-23")
    assert res.code == 2 and "no version matching model 'adult-income', version '*', tag team='fraud'" in res.err
    assert not (tmp_path / "o").exists()


def test_all_audits_every_version_whatever_the_subjects_say(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = _subjects(demo_copy, 'subjects:\n  - {model: adult-income, version: "@champion"}\n')
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign", "--as-of", "2026-11-23",
                  "--format", "json", "--all")  # fmt: skip
    assert res.code == 1, res.err
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    assert [s["id"] for s in report["subjects"]] == ["model_version:adult-income/1"]  # the demo registers one
