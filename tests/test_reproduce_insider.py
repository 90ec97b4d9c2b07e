"""`ailm verify --reproduce` against an insider: someone with the signing key (a modified engine) edits what
an audit shows and signs it again. The signature then holds, so only re-derivation can tell: it must take
nothing from the report it checks (not the set of results, not the waivers, not the thresholds) and hold the
recorded inputs to the evidence they cite."""
# ruff: noqa: E501

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ailm.canonical import sha256_file
from ailm.result import AuditResult
from ailm.signing import ATTESTATION_NAME, attestation, load_private


@pytest.fixture(scope="module")
def signed_json(demo_root: Path, demo_keys: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("insider") / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "ailm.cli", "audit", "--config", str(demo_root / "evidence" / "demo" / "ailm.yaml"),
         "--out", str(out), "--as-of", "2026-11-23", "--key", str(demo_keys[0]), "--format", "json", "--no-history",
         "--horizon", "0"],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    return out


def _resign(src: Path, dst: Path, key: Path, *, report: Callable[[dict[str, Any]], None] | None = None,
            inputs: Callable[[list[Any]], None] | None = None,
            predicate: Callable[[dict[str, Any]], None] | None = None) -> Path:  # fmt: skip
    """Edit the audit's files and sign them again, as a holder of the key can: verify then holds (the predicate
    says what the edited report says)."""
    shutil.copytree(src, dst)
    envelope = json.loads((dst / ATTESTATION_NAME).read_text())
    signed = json.loads(base64.b64decode(envelope["payload"]))["predicate"]
    if predicate is not None:
        predicate(signed)
    if report is not None:
        doc = json.loads((dst / "report.json").read_text())
        report(doc)
        doc["result_sha256"] = AuditResult.from_report(doc).result_sha256()
        for name in ("result_sha256", "gate", "counts", "as_of"):
            signed[name] = doc[name]
        (dst / "report.json").write_text(json.dumps(doc, indent=2))
    if inputs is not None:
        recorded = json.loads((dst / "inputs.json").read_text())
        inputs(recorded)
        (dst / "inputs.json").write_text(json.dumps(recorded, indent=2, sort_keys=True))
    digests = {p.relative_to(dst).as_posix(): sha256_file(p) for p in dst.rglob("*")
               if p.is_file() and p.name != ATTESTATION_NAME}  # fmt: skip
    (dst / ATTESTATION_NAME).write_bytes(attestation(digests, signed, load_private(key)))
    return dst


def _drop_failures(doc: dict[str, Any]) -> None:
    doc["results"] = [r for r in doc["results"] if r["status"] not in ("fail", "warn")]


def _waive_in_report(doc: dict[str, Any]) -> None:
    for r in doc["results"]:
        if r["control"] == "DEV-004":
            r["status"] = "waived"
            r["waiver"] = {"control": "DEV-004", "subject": r["subject"], "justification": "accepted",
                           "approver": "someone", "ticket": "RISK-1", "expires": "2030-01-01T00:00:00Z"}  # fmt: skip


def _retention_365(recorded: list[Any]) -> None:
    text = json.dumps(recorded)
    assert '"retention_days": 90' in text
    recorded[:] = json.loads(text.replace('"retention_days": 90', '"retention_days": 365'))


def _gate_compliant(doc: dict[str, Any]) -> None:
    doc["gate"] = {**doc["gate"], "verdict": "compliant", "exit_code": 0}


def _severity_low(doc: dict[str, Any]) -> None:
    for r in doc["results"]:
        if r["status"] in ("fail", "warn"):
            r["severity"] = "low"
    doc["gate"] = AuditResult.from_report(doc).gate().model_dump(mode="json")
    doc["counts"] = AuditResult.from_report(doc).counts()


def _quoted_thresholds(signed: dict[str, Any]) -> None:
    signed["decided_with"]["thresholds"]["demographic_parity_difference_max"] = "0.1"


def _quoted_in_report(doc: dict[str, Any]) -> None:
    doc["thresholds"]["demographic_parity_difference_max"] = "0.1"


def _later_clock(doc: dict[str, Any]) -> None:
    doc["as_of"] = "2027-06-01T00:00:00Z"


def _foreign_error(doc: dict[str, Any]) -> None:
    first = dict(doc["results"][0])
    doc["results"].append({**first, "control": "XXX-999", "status": "error", "findings": []})


CASES = [
    ("every failing result removed", {"report": _drop_failures}, "the policy set has this control and the report has no result for it"),
    ("a waiver that exists only in report.json", {"report": _waive_in_report}, "DEV-004 on model_version:adult-income/1: the report says waived, the policies give fail"),
    ("inputs.json says 365 days, evidence.json 90", {"inputs": _retention_365}, "is not the record evidence.json holds"),
    ("the gate made compliant, the results left", {"report": _gate_compliant}, "report.json's gate is not what its results give"),
    ("every failure's severity lowered", {"report": _severity_low}, "the report says severity low"),
    ("a threshold given as text", {"report": _quoted_in_report, "predicate": _quoted_thresholds}, "the signed thresholds are not the policy set's"),
    ("the clock moved on in the report", {"report": _later_clock}, "was judged as of 2026-11-23"),
    ("an error result for a control the policy set lacks", {"report": _foreign_error}, "XXX-999 on model_version:adult-income/1: the report has a result for a control the policy set lacks"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "edits", "expected"), CASES, ids=[c[0] for c in CASES])
def test_a_re_signed_edit_does_not_reproduce(
    signed_json: Path, demo_keys, tmp_path: Path, run_cli, case: str, edits: dict[str, Any], expected: str
) -> None:
    private, public = demo_keys
    edited = _resign(signed_json, tmp_path / "edited", private, **edits)
    assert run_cli("verify", edited, "--key", public).code == 0  # the signature holds: the key signed it
    res = run_cli("verify", edited, "--key", public, "--reproduce")
    said = " ".join(res.out.split())
    assert res.code == 1 and "Reproduction FAILED" in said and expected in said, (case, said)


def test_an_attestation_without_what_it_decided_with_cannot_be_reproduced(
    signed_json: Path, demo_keys, tmp_path: Path, run_cli
) -> None:
    private, public = demo_keys
    older = tmp_path / "older"
    shutil.copytree(signed_json, older)
    envelope = json.loads((older / ATTESTATION_NAME).read_text())
    predicate = json.loads(base64.b64decode(envelope["payload"]))["predicate"]
    del predicate["decided_with"]
    digests = {p.name: sha256_file(p) for p in older.iterdir() if p.name != ATTESTATION_NAME}
    (older / ATTESTATION_NAME).write_bytes(attestation(digests, predicate, load_private(private)))
    res = run_cli("verify", older, "--key", public, "--reproduce")
    assert res.code == 2 and "does not record the thresholds and waivers the audit decided with" in " ".join(
        res.err.split()
    )


def test_the_untouched_audit_reproduces_every_control(signed_json: Path, demo_keys, run_cli) -> None:
    res = run_cli("verify", signed_json, "--key", demo_keys[1], "--reproduce")
    assert res.code == 0 and "Reproduced: all 58 decisions match the report" in res.out, res.out + res.err


def test_a_signed_file_that_repeats_a_key_does_not_verify(
    signed_json: Path, demo_keys, tmp_path: Path, run_cli
) -> None:
    """Two readers of a signed report must not read two results: jq and most parsers keep the last of two equal
    keys, others the first. A report.json re-signed with its gate given twice is refused by verify and reproduce."""
    private, public = demo_keys
    twice = tmp_path / "twice"
    shutil.copytree(signed_json, twice)
    text = (twice / "report.json").read_text()
    assert text.startswith("{")
    (twice / "report.json").write_text('{"gate": {"verdict": "compliant", "exit_code": 0},' + text[1:])
    envelope = json.loads((twice / ATTESTATION_NAME).read_text())
    predicate = json.loads(base64.b64decode(envelope["payload"]))["predicate"]
    digests = {p.name: sha256_file(p) for p in twice.iterdir() if p.name != ATTESTATION_NAME}
    (twice / ATTESTATION_NAME).write_bytes(attestation(digests, predicate, load_private(private)))
    res = run_cli("verify", twice, "--key", public)
    said = " ".join(res.out.split())
    assert res.code == 1 and "report.json: not valid JSON: duplicate key 'gate'" in said, said


def test_a_fleet_whose_version_was_dropped_or_whose_version_report_was_forged_does_not_reproduce(
    demo_root: Path, demo_copy: Path, tmp_path: Path, run_cli, demo_keys
) -> None:
    from datetime import UTC, datetime, timedelta

    from test_fleet import _two_versions

    private, public = demo_keys
    cfg = _two_versions(demo_root, demo_copy, tmp_path)
    out = tmp_path / "fleet"
    clock = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    res = run_cli("audit", "--config", cfg, "--out", out, "--key", private, "--format", "json", "--no-history",
                  "--horizon", "0", "--as-of", clock)  # fmt: skip
    assert res.code in (1, 2), res.err
    res = run_cli("verify", out, "--key", public, "--reproduce")
    assert res.code == 0 and "Reproduced" in res.out, res.out

    dropped = "model_version:adult-income/2"

    def drop_report(doc: dict[str, Any]) -> None:
        doc["subjects"] = [s for s in doc["subjects"] if s["id"] != dropped]
        doc["results"] = [r for r in doc["results"] if r["subject"] != dropped]
        mine = AuditResult.from_report(doc)
        doc["gate"], doc["counts"], doc["fleet"] = mine.gate().model_dump(mode="json"), mine.counts(), mine.fleet()
        from ailm.policy import crosswalk

        doc["crosswalk"] = [c.model_dump(mode="json") for c in crosswalk.build(mine.results)]

    def drop_input(recorded: list[Any]) -> None:
        recorded[:] = [i for i in recorded if i["subject"]["id"] != dropped]

    def drop_subject(signed: dict[str, Any]) -> None:
        signed["subjects"] = [s for s in signed["subjects"] if s["id"] != dropped]

    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    shutil.rmtree(copy / "adult-income" / "2")
    edited = _resign(copy, tmp_path / "dropped", private, report=drop_report, inputs=drop_input, predicate=drop_subject)
    assert run_cli("verify", edited, "--key", public).code == 0
    res = run_cli("verify", edited, "--key", public, "--reproduce")
    said = " ".join(res.out.split())
    assert res.code == 1 and f"{dropped}: the signed selectors choose it from evidence.json" in said, said

    def all_pass(doc: dict[str, Any]) -> None:
        for r in doc["results"]:
            r["status"], r["findings"] = "pass", []
        mine = AuditResult.from_report(doc)
        doc["gate"], doc["counts"] = mine.gate().model_dump(mode="json"), mine.counts()
        doc["result_sha256"] = mine.result_sha256()

    forged = tmp_path / "forged-src"
    shutil.copytree(out, forged)
    version = forged / "adult-income" / "1" / "report.json"
    doc = json.loads(version.read_text())
    all_pass(doc)
    version.write_text(json.dumps(doc, indent=2))
    edited = _resign(forged, tmp_path / "forged", private)
    assert run_cli("verify", edited, "--key", public).code == 0
    res = run_cli("verify", edited, "--key", public, "--reproduce")
    said = " ".join(res.out.split())
    assert (
        res.code == 1
        and "adult-income/1/report.json: not model_version:adult-income/1's part of the fleet's result" in said
    ), said
