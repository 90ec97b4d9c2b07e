"""DEV-008 on what the documents hold: a placeholder is not a document, and a declared sha256 is checked against
the file it names (ailm.evidence.documents); a digest nothing can check is declared, not verified."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from ailm.evidence import documents

SECTIONS = "".join(f'        "{s}": annex-iv/section-{s}.md\n' for s in "123456789")


def _documentation(folder: Path, annex: str, report: str) -> None:
    manifest = folder / "manifest.yaml"
    block = f"  technical_documentation:\n    data:\n      annex_iv:\n{annex}      test_reports:\n{report}"
    manifest.write_text(manifest.read_text().replace("facts:\n", f"facts:\n{block}", 1))
    (folder / "annex-iv").mkdir(exist_ok=True)
    for s in "123456789":
        (folder / "annex-iv" / f"section-{s}.md").write_text(f"# Annex IV point {s}\n")
    (folder / "out").mkdir(exist_ok=True)
    (folder / "out" / "report.json").write_text('{"audit": "the one that was signed"}\n')


def _report(uri: str, sha256: str) -> str:
    return f"        - {{uri: {uri}, sha256: {json.dumps(sha256)}, signed_by: qa@example.org, signature: out/a.dsse}}\n"


def _dev_008(run_cli: Any, folder: Path, tmp_path: Path) -> dict[str, Any]:
    out = tmp_path / "out"
    res = run_cli("audit", "--config", folder / "ailm.yaml", "--out", out, "--no-sign", "--format", "json",
                  "--as-of", "2026-11-23")  # fmt: skip
    assert res.code == 1, res.err + res.out[-2000:]
    report = json.loads((out / "report.json").read_text())
    return next(r for r in report["results"] if r["control"] == "DEV-008")


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


CURRENT = _sha('{"audit": "the one that was signed"}\n')
OLDER = _sha("an older report\n")


@pytest.mark.parametrize(
    ("case", "annex", "report", "expect"),
    [
        ("placeholders", SECTIONS.replace("annex-iv/section-3.md", "tbd").replace("annex-iv/section-5.md", '"-"'),
         _report("out/report.json", "TBD"),
         {"Annex IV section 3 reads \"tbd\": a placeholder, not a document",
          "Annex IV section 5 reads \"-\": a placeholder, not a document",
          "test report 1: sha256 reads \"TBD\": a placeholder"}),
        ("out of date", SECTIONS, _report("out/report.json", OLDER),
         {f"test report out/report.json: the declared sha256 {OLDER} is out of date: the file's "
          f"sha256 is {CURRENT}, not the declared {OLDER}"}),
        ("not verifiable", SECTIONS, _report("https://qa.example.org/report.json", CURRENT),
         {"test report https://qa.example.org/report.json: sha256 declared, not verified (ailm reads local files only "
          "and does not fetch https:// documents): a declared digest cannot alone satisfy this critical control"}),
        ("a section file gone", SECTIONS.replace("section-9.md", "section-nine.md"),
         _report("out/report.json", CURRENT),
         {"Annex IV section 9: {folder}/annex-iv/section-nine.md does not exist"}),
    ],
)  # fmt: skip
def test_dev_008_fails_on_what_the_documents_do_not_hold(
    run_cli: Any, demo_copy: Path, tmp_path: Path, case: str, annex: str, report: str, expect: set[str]
) -> None:
    _documentation(demo_copy, annex, report)
    result = _dev_008(run_cli, demo_copy, tmp_path)
    assert result["status"] == "fail"
    assert {f["message"] for f in result["findings"] if f["level"] == "deny"} == {
        e.format(folder=demo_copy) for e in expect
    }


def test_dev_008_passes_when_every_document_is_there_and_the_digest_is_the_files(
    run_cli: Any, demo_copy: Path, tmp_path: Path
) -> None:
    _documentation(demo_copy, SECTIONS, _report("out/report.json", CURRENT))
    result = _dev_008(run_cli, demo_copy, tmp_path)
    assert result["status"] == "pass", result["findings"]
    assert "manifest:adult-income:technical_documentation:checked" in result["evidence"]


def test_the_placeholders_are_the_same_in_python_and_rego() -> None:
    text = (Path(__file__).resolve().parents[1] / "policies" / "development" / "dev_008.rego").read_text()
    line = next(x for x in text.splitlines() if x.startswith("placeholders := "))
    assert set(json.loads(line.removeprefix("placeholders := ").replace("{", "[").replace("}", "]"))) == (
        documents.PLACEHOLDERS - {""}
    )
