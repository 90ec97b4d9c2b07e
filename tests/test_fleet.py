"""A registry shares datasets across models: facts several manifests declare about one dataset merge, and facts
that differ are a conflict finding naming both sources, never an engine error or a silent choice."""

from __future__ import annotations

import json
import re
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
        and f"{cfg}:26: subjects[0]: no registered model matches 'fraud-*' (found: adult-income)" in res.err
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


def test_a_version_whose_registration_is_broken_is_error_with_the_cause_and_reports_are_written(
    demo_copy: Path, tmp_path: Path, run_cli, monkeypatch
) -> None:
    from mlflow.tracking import MlflowClient

    def gone(self, model_id):  # type: ignore[no-untyped-def]
        raise RuntimeError(f"logged model {model_id} was deleted from the artifact store")

    monkeypatch.setattr(MlflowClient, "get_logged_model", gone)
    cfg = demo_copy / "ailm.yaml"  # no collector cache: the registry must be asked (the files did not change)
    cfg.write_text(re.sub(r"(?m)^cache: .*$", "", cfg.read_text()))
    out = tmp_path / "o"
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", out, "--no-sign", "--as-of", "2026-11-23",
                  "--format", "json,html", "--no-history")  # fmt: skip
    assert res.code == 2, res.err  # no verdict, never a pass
    report = json.loads((out / "report.json").read_text())  # every report written
    assert {r["status"] for r in report["results"]} == {"error"}
    message = report["results"][0]["findings"][0]["message"]
    assert "model_version:adult-income/1 cannot be audited: its logged model m-" in message
    assert "was deleted from the artifact store" in message
    assert (out / "report.html").is_file() and report["gate"]["verdict"] == "no_verdict"


def test_the_fleet_summary_puts_the_worst_subject_first(demo_root: Path) -> None:
    from datetime import UTC, datetime

    from ailm.audit.runner import AuditOptions, run_audit
    from ailm.report import RenderContext, resolve
    from ailm.result import Status

    run = run_audit(AuditOptions(config_path=demo_root / "evidence" / "demo" / "ailm.yaml",
                                 as_of=datetime(2026, 11, 23, tzinfo=UTC)))  # fmt: skip
    one = run.result
    good = "model_version:adult-income/2"
    twin = [r.model_copy(update={"subject": good, "status": Status.PASS, "findings": []}) for r in one.results]
    broken = [r.model_copy(update={"subject": "model_version:adult-income/3"}) for r in one.results[:1]]
    broken = [broken[0].model_copy(update={"status": Status.ERROR})]
    subjects = [*one.subjects, one.subjects[0].model_copy(update={"id": good, "version": "2"}),
                one.subjects[0].model_copy(update={"id": "model_version:adult-income/3", "version": "3"})]  # fmt: skip
    fleet = one.model_copy(update={"results": [*twin, *one.results, *broken], "subjects": subjects})
    summary = fleet.fleet()
    assert [s["subject"] for s in summary["subjects"]] == [
        "model_version:adult-income/3",
        "model_version:adult-income/1",
        good,
    ]  # no verdict first, then non-compliant, then compliant
    assert summary["verdicts"] == {"no_verdict": 1, "non_compliant": 1, "compliant": 1}
    assert summary["per_control"]["DEV-004"] == {"pass": 1, "fail": 1}
    assert summary["subjects"][1]["worst"][0]["severity"] == "critical"
    html = resolve(["html"])[0].make().render(fleet, RenderContext(evidence=run.evidence)).decode()
    table = html[html.index("The fleet, worst first") :]
    assert table.index("adult-income/3") < table.index("adult-income/1") < table.index("adult-income/2")
    doc = json.loads(resolve(["json"])[0].make().render(fleet, RenderContext(evidence=run.evidence)))
    assert doc["fleet"]["verdicts"] == summary["verdicts"] and doc["gate"]["verdict"] == "no_verdict"


def _two_versions(demo_root: Path, folder: Path, tmp_path: Path) -> Path:
    """The demo registry copied, with a second version of the model registered from the same run."""
    import shutil

    from mlflow.tracking import MlflowClient

    db = tmp_path / "fleet-mlflow.db"
    shutil.copy(demo_root / ".ailm" / "demo" / "mlflow.db", db)
    client = MlflowClient(tracking_uri=f"sqlite:///{db}", registry_uri=f"sqlite:///{db}")  # not the process default
    v1 = client.get_model_version("adult-income", "1")
    artifacts = client.get_logged_model(v1.source.removeprefix("models:/")).artifact_location
    v2 = client.create_model_version("adult-income", source=artifacts, run_id=v1.run_id)  # registered from a path
    assert str(v2.version) == "2" and len(client.search_model_versions("name='adult-income'")) == 2
    cfg = folder / "ailm.yaml"
    text = cfg.read_text().replace(str(demo_root / ".ailm" / "demo" / "mlflow.db"), str(db))
    cfg.write_text(text.replace('version: "@champion"', 'version: "*"'))
    return cfg


def test_a_fleet_writes_each_versions_reports_and_one_attestation_covers_them_all(
    demo_root: Path, demo_copy: Path, tmp_path: Path, run_cli, demo_keys
) -> None:
    from datetime import UTC, datetime, timedelta

    private, public = demo_keys
    cfg = _two_versions(demo_root, demo_copy, tmp_path)
    out = tmp_path / "out"
    clock = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()  # after version 2's registration, today
    res = run_cli("audit", "--config", cfg, "--out", out, "--key", private, "--format", "json,html,junit",
                  "--no-history", "--horizon", "0", "--as-of", clock)  # fmt: skip
    assert res.code in (1, 2), res.err
    fleet = json.loads((out / "report.json").read_text())
    assert [s["id"] for s in fleet["subjects"]] == ["model_version:adult-income/1", "model_version:adult-income/2"]
    for version in ("1", "2"):
        mine = json.loads((out / "adult-income" / version / "report.json").read_text())
        assert [s["id"] for s in mine["subjects"]] == [f"model_version:adult-income/{version}"]
        assert {r["subject"] for r in mine["results"]} == {f"model_version:adult-income/{version}"}
        assert (out / "adult-income" / version / "report.html").is_file()
        assert not (out / "adult-income" / version / "report.junit.xml").exists()  # CI formats: one per audit
    assert (out / "report.junit.xml").is_file()
    assert run_cli("verify", out, "--key", public).code == 0

    again = run_cli("audit", "--config", cfg, "--out", out, "--key", private, "--format", "json", "--no-history",
                    "--horizon", "0", "--as-of", clock)  # fmt: skip
    assert again.code in (1, 2), again.err  # an earlier fleet's folders are recognised as its own
    assert not (out / "adult-income" / "1" / "report.html").exists()  # nothing of the older audit survives
    assert run_cli("verify", out, "--key", public).code == 0
    (out / "adult-income" / "2" / "report.json").write_text("{}")
    res = run_cli("verify", out, "--key", public)
    assert res.code == 1 and "adult-income/2/report.json: sha256 differs" in res.out + res.err
    (out / "adult-income" / "2" / "report.json").unlink()
    (out / "adult-income" / "2" / "notes.txt").write_text("mine")
    res = run_cli("verify", out, "--key", public)
    assert res.code == 1 and "adult-income/2/notes.txt: in the folder but not covered" in res.out + res.err
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--format", "json", "--no-history",
                  "--as-of", clock)  # fmt: skip
    assert res.code == 2 and "adult-income" in res.err  # a folder holding a file of the user's is refused
    assert (out / "adult-income" / "2" / "notes.txt").read_text() == "mine"
