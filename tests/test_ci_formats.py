"""CI gate outputs: SARIF (schema-valid), JUnit, Markdown, GitHub annotations and step summary."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from demo_expect import DEMO_CRITICAL_FAIL, DEMO_FAIL, DEMO_MEDIUM_FAIL, DEMO_NOT_APPLICABLE, DEMO_PASS

REPO = Path(__file__).resolve().parents[1]
FAILING = DEMO_FAIL


def _waive_gov004(cfg_dir: Path) -> None:
    (cfg_dir / "waivers.yaml").write_text(
        "apiVersion: ailm/v1\nkind: Waivers\nwaivers:\n"
        "  - control: GOV-004\n    subject: model_version:adult-income/*\n"
        "    justification: Second reviewer starts in January.\n"
        "    approver: cro@example.org\n    ticket: RISK-118\n    expires: 2026-12-31T00:00:00Z\n"
    )
    cfg = cfg_dir / "ailm.yaml"
    cfg.write_text(cfg.read_text() + "waivers: waivers.yaml\n")


@pytest.fixture
def ci_out(demo_copy: Path, tmp_path: Path, run_cli, monkeypatch: pytest.MonkeyPatch):
    _waive_gov004(demo_copy)
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    out = tmp_path / "out"
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", out, "--no-sign", "--as-of", "2026-11-23",
                  "--format", "json,junit,sarif,markdown,github")  # fmt: skip
    assert res.code == 1, res.err
    return out, res, summary


def test_sarif_validates_against_the_2_1_0_schema_and_maps_controls_to_rules(ci_out) -> None:
    from jsonschema import Draft4Validator

    out, _, _ = ci_out
    doc = json.loads((out / "report.sarif").read_text())
    schema = json.loads((REPO / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
    errors = sorted(Draft4Validator(schema).iter_errors(doc), key=str)
    assert not errors, errors[:3]
    run = doc["runs"][0]
    rules = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    report = json.loads((out / "report.json").read_text())
    assert set(rules) == {r["control"] for r in report["results"]}
    assert rules["DEV-004"]["defaultConfiguration"]["level"] == "error"
    assert "Remediation:" in rules["DEV-004"]["help"]["text"]
    assert "EU AI Act Art. 10(2)(f)" in rules["DEV-004"]["properties"]["tags"]
    fails = [r for r in run["results"] if r["kind"] == "fail"]
    assert {r["ruleId"] for r in fails} == FAILING  # GOV-004 stays visible, suppressed
    findings = [f for r in report["results"] if r["status"] in ("fail", "waived") for f in r["findings"]]
    assert len(fails) == len(findings)  # every finding of a failing control, warnings at level warning
    for medium in DEMO_MEDIUM_FAIL:
        assert {r["level"] for r in fails if r["ruleId"] == medium} == {"warning"}  # a medium control's deny
    waived = [r for r in fails if r["ruleId"] == "GOV-004"]
    assert waived and all(r["suppressions"][0]["kind"] == "external" for r in waived)
    assert "RISK-118" in waived[0]["suppressions"][0]["justification"]
    for r in fails:
        loc = r["locations"][0]
        assert loc["logicalLocations"][0]["fullyQualifiedName"] == "model_version:adult-income/1"
        assert loc["physicalLocation"]["artifactLocation"]["uri"]
    assert run["invocations"][0]["exitCode"] == 1


def test_junit_keeps_failures_errors_and_skips_apart(ci_out) -> None:
    """A <failure> is exactly what blocks the gate: the JUnit file and the exit code never disagree."""
    out, _, _ = ci_out
    root = ET.parse(out / "report.junit.xml").getroot()
    report = json.loads((out / "report.json").read_text())
    assert root.tag == "testsuites"
    blocking = DEMO_FAIL - DEMO_MEDIUM_FAIL - {"GOV-004"}  # GOV-004 is waived: skipped, not a failure
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        str(len(DEMO_PASS | DEMO_FAIL | DEMO_NOT_APPLICABLE)),
        str(len(blocking)),
        "0",
        str(len(DEMO_NOT_APPLICABLE) + 1 + len(DEMO_MEDIUM_FAIL)),
    )
    failed = {c.get("name", "").split()[0] for c in root.iter("testcase") if c.find("failure") is not None}
    assert failed == set(report["gate"]["reason"].split(": ", 1)[1].split(", ")) == blocking
    suite = root.find("testsuite")
    assert suite is not None and suite.get("name") == "model_version:adult-income/1"
    cases = {c.get("name", "").split()[0]: c for c in suite.findall("testcase")}
    assert set(cases) >= FAILING
    assert cases["DEV-004"].find("failure") is not None
    assert "demographic parity ratio" in (cases["DEV-004"].find("failure").text or "")  # type: ignore[union-attr]
    skipped = cases["GOV-004"].find("skipped")
    assert skipped is not None and "waived until 2026-12-31 by cro@example.org (RISK-118)" in skipped.get("message", "")
    assert cases["GOV-001"].find("failure") is None and cases["GOV-001"].find("skipped") is None
    for medium in DEMO_MEDIUM_FAIL:  # fails below the gate: shown apart, not counted as a failed test
        case = cases[medium]
        assert case.find("failure") is None
        assert case.find("skipped").get("message", "").startswith("fails, not blocking (medium, below fail-on high)")  # type: ignore[union-attr]
        assert "deny: " in (case.find("system-out").text or "")  # type: ignore[union-attr]


def test_markdown_summary_fits_a_pr_comment(ci_out) -> None:
    out, _, _ = ci_out
    md = (out / "report.md").read_text()
    assert md.startswith("## :x: ailm audit: Adult income classifier (ailm demo): Not compliant")
    for control in FAILING:
        assert f"**{control}**" in md
    assert (
        "- **GOV-004** on `model_version:adult-income/1`: RISK-118, approved by cro@example.org, until 2026-12-31" in md
    )
    assert len(md.splitlines()) < 40


def test_github_annotations_on_stdout_and_summary_appended(ci_out) -> None:
    _, res, summary = ci_out
    lines = [line for line in res.out.splitlines() if line.startswith("::")]
    errors = [line for line in lines if line.startswith("::error ")]
    assert {line.split("title=")[1].split(" ")[0] for line in errors} == FAILING - {"GOV-004"} - DEMO_MEDIUM_FAIL
    warnings = [line for line in lines if line.startswith("::warning ")]
    assert {line.split("title=")[1].split(" ")[0] for line in warnings} == DEMO_MEDIUM_FAIL  # fail, not blocking
    assert any(line.startswith("::notice ") and "GOV-004" in line and "waived: " in line for line in lines)
    assert not any("file=file" in line for line in lines)  # the demo copy lives outside the workspace
    assert lines[-1].startswith("::notice title=ailm gate::exit code 1")
    text = summary.read_text()
    assert text.startswith("earlier step\n")  # appended, never overwritten
    assert "ailm audit: Adult income classifier (ailm demo): Not compliant" in text


def test_github_workflow_command_escaping_and_workspace_paths(tmp_path: Path) -> None:
    from ailm.report.github import _data, _prop
    from ailm.report.sarif import artifact_uri

    assert artifact_uri((tmp_path / "m" / "manifest.yaml").as_uri(), base=tmp_path) == "m/manifest.yaml"
    assert artifact_uri("file:///elsewhere/x.yaml", base=tmp_path) == "file:///elsewhere/x.yaml"
    assert artifact_uri("sqlite:////x/mlflow.db", base=tmp_path) == "sqlite:////x/mlflow.db"

    assert _data("50%\nnext") == "50%25%0Anext"
    assert _prop("a: b, c") == "a%3A b%2C c"


@pytest.mark.parametrize(("fail_on", "code"), [("critical", 1), ("warn", 1)])
def test_fail_on_from_the_command_line(demo_copy: Path, tmp_path: Path, run_cli, fail_on: str, code: int) -> None:
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", tmp_path / "o", "--no-sign", "--format",
                  "json", "--as-of", "2026-11-23", "--fail-on", fail_on)  # fmt: skip
    assert res.code == code
    assert json.loads((tmp_path / "o" / "report.json").read_text())["fail_on"] == fail_on


def test_fail_on_critical_ignores_high_findings(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    # an organisation that accepts these thresholds clears three of the critical findings
    cfg.write_text(cfg.read_text() + "thresholds:\n  four_fifths_ratio: 0.3\n  log_retention_days_min: 90\n")
    manifest = demo_copy / "manifest.yaml"
    manifest.write_text(manifest.read_text().replace("threshold: 0.70", "threshold: 0.65"))
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o", "--no-sign", "--format", "json",
                  "--as-of", "2026-11-23", "--fail-on", "critical")  # fmt: skip
    assert res.code == 1, res.out
    gate = json.loads((tmp_path / "o" / "report.json").read_text())["gate"]
    left = sorted(DEMO_CRITICAL_FAIL - {"DEV-003", "DEV-004", "DEP-003"})
    assert gate["reason"] == f"{len(left)} finding(s) at or above 'critical': {', '.join(left)}"
