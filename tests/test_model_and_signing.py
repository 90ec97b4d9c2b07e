"""Units: evidence digests and expiry, schemas in step, DSSE, keys, the gate, waivers."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ailm.evidence.model import Declaration, Evidence, Source
from ailm.policy.metadata import Frameworks, Severity
from ailm.result import AuditResult, ControlResult, Status

REPO = Path(__file__).resolve().parents[1]


def _record(collected_at: datetime | None = None, **data: object) -> Evidence:
    return Evidence.make(
        kind="declared.plan", id="m:plan", role="plan", subject="model:m",
        source=Source(collector="manifest", uri="file:///m.yaml"), data=dict(data),
        declared=Declaration(asserted_by="a@x", asserted_at=datetime(2026, 1, 1, tzinfo=UTC)),
        collected_at=collected_at,
    )  # fmt: skip


def test_digest_is_of_content_not_of_collection_time() -> None:
    a = _record(datetime(2026, 11, 1, tzinfo=UTC), x=1)
    b = _record(datetime(2026, 11, 23, 17, 5, tzinfo=UTC), x=1)
    assert a.collected_at != b.collected_at  # collected weeks apart ...
    assert a.sha256 == b.sha256 == a.content_digest()  # ... the same content, the same digest
    assert _record(x=2).sha256 != a.sha256


def test_altered_record_no_longer_hashes_to_its_digest() -> None:
    a = _record(x=1)
    forged = a.model_copy(update={"data": {"x": 2}})
    assert forged.content_digest() != forged.sha256


def test_declaration_expiry_is_judged_on_the_audit_clock() -> None:
    d = Declaration(
        asserted_by="a", asserted_at=datetime(2026, 1, 1, tzinfo=UTC), expires=datetime(2026, 6, 1, tzinfo=UTC)
    )
    assert not d.expired(datetime(2026, 5, 31, tzinfo=UTC))
    assert d.expired(datetime(2026, 6, 1, tzinfo=UTC))


def test_committed_schemas_match_the_models() -> None:
    from ailm.evidence.schema import render_schemas

    for name, text in render_schemas().items():
        committed = REPO / "evidence" / "schema" / name
        assert committed.read_text() == text, f"{committed} is stale: run `make schemas`"


def test_dsse_pae_matches_the_spec_example() -> None:
    from ailm.signing.dsse import pae

    # The DSSE protocol's own test vector: PAE("http://example.com/HelloWorld", "hello world")
    assert (
        pae("http://example.com/HelloWorld", b"hello world")
        == b"DSSEv1 29 http://example.com/HelloWorld 11 hello world"
    )


def test_dsse_round_trip_and_tamper(tmp_path: Path) -> None:
    from ailm.signing import generate, load_private, load_public
    from ailm.signing.dsse import EnvelopeError, sign, verify

    priv, pub = generate(tmp_path)
    env = sign(b'{"a":1}', "application/vnd.in-toto+json", load_private(priv))
    assert verify(env, load_public(pub)) == b'{"a":1}'
    env["payload"] = "eyJhIjoyfQ=="  # {"a":2}
    with pytest.raises(EnvelopeError, match="no signature verifies"):
        verify(env, load_public(pub))


def test_keys_are_private_and_never_overwritten(tmp_path: Path, run_cli) -> None:
    res = run_cli("keys", "generate", "--out", tmp_path)
    assert res.code == 0
    assert stat.S_IMODE(os.stat(tmp_path / "ailm.key").st_mode) == 0o600
    before = (tmp_path / "ailm.key").read_bytes()
    res = run_cli("keys", "generate", "--out", tmp_path)
    assert res.code == 2
    assert "already exists" in res.err
    assert (tmp_path / "ailm.key").read_bytes() == before


def _result(statuses: list[tuple[Status, Severity]], fail_on: str = "high") -> AuditResult:
    results = [
        ControlResult(
            control=f"T-{i:03d}",
            title="t",
            description="d",
            severity=sev,
            stage="governance",
            subject="s",
            status=st,
            findings=[],
            evidence=[],
            remediation="r",
            frameworks=Frameworks(),
            policy_file="p",
        )
        for i, (st, sev) in enumerate(statuses)
    ]
    now = datetime(2026, 11, 23, tzinfo=UTC)
    return AuditResult(
        audit_id="a", name="n", as_of=now, generated_at=now, ailm_version="0", evaluator="embedded",
        fail_on=fail_on, subjects=[], results=results, evidence_sha256="e", evidence_count=0, evidence_index=[],
        policy_sha256="p", policy_files=[],
    )  # fmt: skip


@pytest.mark.parametrize(
    ("statuses", "fail_on", "code"),
    [
        ([(Status.PASS, Severity.CRITICAL)], "high", 0),
        ([(Status.FAIL, Severity.MEDIUM)], "high", 0),
        ([(Status.FAIL, Severity.MEDIUM)], "medium", 1),
        ([(Status.FAIL, Severity.CRITICAL)], "critical", 1),
        ([(Status.WARN, Severity.CRITICAL)], "low", 0),
        ([(Status.WARN, Severity.LOW)], "warn", 1),
        ([(Status.WAIVED, Severity.CRITICAL)], "low", 0),
        ([(Status.NOT_APPLICABLE, Severity.CRITICAL)], "low", 0),
        ([(Status.FAIL, Severity.CRITICAL), (Status.ERROR, Severity.LOW)], "high", 2),
        ([], "high", 2),
    ],
)
def test_the_result_owns_the_gate(statuses, fail_on: str, code: int) -> None:
    assert _result(statuses, fail_on).gate().exit_code == code


def _audit(run_cli, cfg: Path, out: Path, as_of: str = "2026-11-23") -> dict:
    res = run_cli("audit", "--config", cfg, "--out", out, "--no-sign", "--format", "json", "--as-of", as_of)
    assert res.code in (0, 1), res.err
    return json.loads((out / "report.json").read_text())


def test_expired_fact_counts_as_missing(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    report = _audit(run_cli, demo_copy / "ailm.yaml", tmp_path / "o", as_of="2027-02-01")
    gov = next(r for r in report["results"] if r["control"] == "GOV-001")
    assert gov["status"] == "fail"
    assert gov["findings"][0]["message"] == (
        "evidence 'inventory' (manifest:adult-income:inventory) expired on 2027-01-05T00:00:00Z and counts as missing"
    )
    assert gov["findings"][0]["evidence"] == ["manifest:adult-income:inventory"]


def test_waiver_waives_until_it_expires_and_is_never_a_pass(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    (demo_copy / "waivers.yaml").write_text(
        "apiVersion: ailm/v1\nkind: Waivers\nwaivers:\n"
        "  - control: GOV-004\n    subject: model_version:adult-income/*\n"
        "    justification: Two-person team until March; second reviewer hired.\n"
        "    approver: cro@example.org\n    ticket: RISK-118\n    expires: 2026-12-31T00:00:00Z\n"
    )
    cfg = demo_copy / "ailm.yaml"
    cfg.write_text(cfg.read_text() + "waivers: waivers.yaml\n")
    report = _audit(run_cli, cfg, tmp_path / "a")
    gov = next(r for r in report["results"] if r["control"] == "GOV-004")
    assert gov["status"] == "waived"
    assert gov["waiver"]["ticket"] == "RISK-118"
    assert "GOV-004" not in report["gate"]["reason"]

    later = _audit(run_cli, cfg, tmp_path / "b", as_of="2027-01-02")
    gov = next(r for r in later["results"] if r["control"] == "GOV-004")
    assert gov["status"] == "fail"
    assert any(
        "waiver RISK-118 approved by cro@example.org expired on 2026-12-31" in f["message"] for f in gov["findings"]
    )


def test_a_folder_holding_the_users_files_is_refused_and_nothing_is_lost(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    out = tmp_path / "o"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    res = run_cli("audit", "--config", demo_copy / "ailm.yaml", "--out", out, "--no-sign", "--format", "json")
    assert res.code == 2
    assert "holds files that are not an earlier audit's" in " ".join(res.err.split()) and "notes.txt" in res.err
    assert [p.name for p in out.iterdir()] == ["notes.txt"] and (out / "notes.txt").read_text() == "mine"
    assert not [p for p in tmp_path.iterdir() if ".new-" in p.name]


def test_outputs_are_written_into_a_new_folder_and_swapped_in(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    out = tmp_path / "o"
    _audit(run_cli, demo_copy / "ailm.yaml", out)
    assert not [p for p in tmp_path.iterdir() if ".new-" in p.name or ".old-" in p.name]
    assert stat.S_IMODE(os.stat(out / "report.json").st_mode) & 0o044  # readable like any new file
