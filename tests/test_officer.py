"""What a compliance officer reads: remediation plans with owners and due dates (overdue flagged), the attestation
of review, and a PDF with an outline and a table of contents whose page numbers are right."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest


def _audit(run_cli, cfg: Path, out: Path, *formats: str):  # type: ignore[no-untyped-def]
    return run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--no-history", "--as-of", "2026-11-23",
                   "--format", ",".join(formats))  # fmt: skip


def test_remediation_plans_name_owner_and_due_date_and_flag_the_overdue(demo_copy: Path, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    plans = demo_copy / "remediation.yaml"
    plans.write_text(plans.read_text() + "  - {control: GOV-001, owner: x@example.org, due: 2027-01-01, ticket: T-9}\n")
    out = tmp_path / "o"
    assert _audit(run_cli, demo_copy / "ailm.yaml", out, "json", "html").code == 1
    report = json.loads((out / "report.json").read_text())
    by = {r["control"]: r for r in report["results"]}
    assert by["DEP-001"]["status"] == "fail" and by["DEP-001"]["plan_overdue"] is True  # due 2026-11-15, clock 11-23
    assert by["DEP-001"]["plan"] == {
        "control": "DEP-001", "subject": "model_version:adult-income/*", "owner": "platform-team@example.org",
        "due": "2026-11-15", "ticket": "MLOPS-412", "note": "re-approve the deployment after the latest evaluation run",
    }  # fmt: skip
    assert by["DEV-003"]["plan"]["due"] == "2027-01-29" and by["DEV-003"]["plan_overdue"] is False
    assert by["DEV-004"]["plan"] is None  # no plan given
    assert by["GOV-001"]["status"] == "pass" and by["GOV-001"]["plan"] is None  # a plan never touches a pass
    assert any("remediation plan T-9 (GOV-001 on *) matches no open finding" in n for n in report["notes"])
    html = (out / "report.html").read_text()
    assert "3 of 17 open results have a remediation plan" in html and "1 overdue</strong>: DEP-001" in html
    assert "<strong>Overdue</strong>: was due 2026-11-15" in html and "No remediation plan" in html


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("  - {control: DEV-04, owner: a, due: 2027-01-01, ticket: T}", "'DEV-04' is not a control of this policy set"),
        ("  - {control: 'DEV-*', owner: a, due: 2027-01-01, ticket: T}", "a plan names one control id"),
        ("  - {control: DEV-004, owner: a, due: next week, ticket: T}", "plans.3.due"),
        ("  - {control: DEV-004, due: 2027-01-01, ticket: T}", "plans.3.owner"),
        ("  - {control: DEV-004, owner: a, due: 2027-01-01, ticket: T, priority: 1}", "plans.3.priority"),
        ("  - {control: MON-003, owner: a, due: 2027-01-01, ticket: T}", "a second plan for MON-003 on '*'"),
        ("  - {control: DEV-004, owner: a, owner: b, due: 2027-01-01, ticket: T}", "plans.3.owner: duplicate key"),
    ],
)
def test_a_remediation_file_that_does_not_hold_stops_the_audit(demo_copy, tmp_path, run_cli, line, message) -> None:  # type: ignore[no-untyped-def]
    plans = demo_copy / "remediation.yaml"
    plans.write_text(plans.read_text() + line + "\n")
    out = tmp_path / "o"
    res = _audit(run_cli, demo_copy / "ailm.yaml", out, "json")
    assert res.code == 2 and message in res.err and f"{plans}:" in res.err, res.err
    assert not out.exists()


def test_an_empty_remediation_file_says_what_it_holds(demo_copy, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    (demo_copy / "remediation.yaml").write_text("")
    res = _audit(run_cli, demo_copy / "ailm.yaml", tmp_path / "o", "json")
    assert res.code == 2 and "a remediation file is a mapping with apiVersion, kind, plans" in " ".join(res.err.split())
    assert not (tmp_path / "o").exists()


REVIEW = """
  audit_review:
    asserted_by: head-of-model-risk@example.org
    data:
      reviews:
        - reviewer: head-of-model-risk@example.org
          role: second line, model risk
          decision: accepted_with_conditions
          reviewed_at: 2026-11-20
          audit_id: 5b1f0c52-audit-of-last-week
          conditions: fairness remediation (MLOPS-418) before the next release
"""


def test_the_attestation_of_review_names_reviewer_decision_and_the_audit_reviewed(demo_copy, tmp_path, run_cli) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "none"
    assert _audit(run_cli, demo_copy / "ailm.yaml", out, "html").code == 1
    assert "<strong>Not reviewed.</strong>" in (out / "report.html").read_text()
    manifest = demo_copy / "manifest.yaml"
    text = manifest.read_text()
    manifest.write_text(text.replace("\ndatasets:\n", REVIEW + "\ndatasets:\n", 1))
    out = tmp_path / "reviewed"
    assert _audit(run_cli, demo_copy / "ailm.yaml", out, "json", "html").code == 1
    html = (out / "report.html").read_text().replace("<wbr>", "")
    assert "Not reviewed" not in html and "accepted with conditions" in html and "second line, model risk" in html
    assert "an earlier audit: this audit itself is not reviewed" in html and "MLOPS-418" in html
    assert "manifest:adult-income:audit_review" in html  # the evidence it rests on
    evidence = json.loads((out / "evidence.json").read_text())
    assert any(r["id"] == "manifest:adult-income:audit_review" for r in evidence["records"])
    manifest.write_text(text.replace("\ndatasets:\n", REVIEW.replace("accepted_with_conditions", "approved") +
                                     "\ndatasets:\n", 1))  # fmt: skip
    res = _audit(run_cli, demo_copy / "ailm.yaml", tmp_path / "bad", "json")
    assert res.code == 2 and f"{manifest}:" in res.err and "decision" in res.err, res.err


def _outline(pdf: Path) -> list[tuple[int, str]]:
    from pyhanko.pdf_utils.reader import PdfFileReader

    found: list[tuple[int, str]] = []

    def walk(node, depth: int) -> None:  # type: ignore[no-untyped-def]
        item = node.get("/First")
        while item is not None:
            item = item.get_object()
            found.append((depth, str(item.get("/Title"))))
            if "/First" in item:
                walk(item, depth + 1)
            item = item.get("/Next")

    with pdf.open("rb") as fh:
        walk(PdfFileReader(fh).root["/Outlines"].get_object(), 0)
    return found


def test_the_pdf_has_an_outline_and_a_table_of_contents_with_right_page_numbers(audited: Path) -> None:
    pdf = audited / "report.pdf"
    titles = [t for _, t in _outline(pdf)]
    for wanted in ("Summary", "Contents", "Framework crosswalk", "Attestation of review", "Evidence", "Fairness"):
        assert wanted in titles, titles
    assert any(re.fullmatch(r"DEP-001 Fail: .+", t) for t in titles)  # each control a bookmark, with its status
    assert not any("[evidence" in t for t in titles)  # bookmarks carry the heading, not its citation
    pages = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout.split("\f")  # fmt: skip
    toc = next(p for p in pages if "Contents" in p and "Attestation of review ...." in p)
    for title in ("Attestation of review", "Framework crosswalk", "Evidence"):
        number = int(re.search(rf"^\s*{title} \.+\s*(\d+)\s*$", toc, re.M).group(1))  # type: ignore[union-attr]
        assert re.search(rf"^\s*{title}\s*$", pages[number - 1], re.M), (title, number)
