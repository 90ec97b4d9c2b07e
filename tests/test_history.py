"""The history store on SQLite and on a real PostgreSQL: audits recorded in a signed hash chain, and every
kind of tampering with the rows (changed, deleted, reordered, inserted, a forged head) found and named."""
# ruff: noqa: E501

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from ailm.history import History, HistoryError
from ailm.signing import load_private, load_public

AS_OF = datetime(2026, 11, 23, tzinfo=UTC)


@pytest.fixture(scope="module")
def pg_server() -> Iterator[str]:
    from pg import cluster

    with cluster() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'history.db'}"
    from pg import new_database

    return new_database(request.getfixturevalue("pg_server"))


@pytest.fixture(scope="module")
def demo_run(demo_root: Path) -> Any:
    from ailm.audit.runner import AuditOptions, run_audit

    return run_audit(AuditOptions(config_path=demo_root / "evidence" / "demo" / "ailm.yaml", as_of=AS_OF))


def _record(history: History, run: Any, key: Any, n: int = 3) -> list[str]:
    ids = []
    for _ in range(n):
        result = run.result.model_copy(update={"audit_id": str(uuid.uuid4())})
        history.record(result, run.evidence, key=key)
        ids.append(result.audit_id)
    return ids


def _sql(url: str, *statements: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for s in statements:
            conn.execute(text(s))
    engine.dispose()


def test_audits_are_recorded_listed_shown_and_the_chain_verifies(url: str, demo_run: Any, demo_keys) -> None:
    private, public = demo_keys
    history = History.open(url)
    ids = _record(history, demo_run, load_private(private))
    entries = history.entries()
    assert [e.seq for e in entries] == [1, 2, 3] and [e.audit_id for e in entries] == ids
    assert entries[0].prev_sha256 == "" and entries[1].prev_sha256 == entries[0].entry_sha256
    assert history.entries(model="adult-income") and history.entries(model="other") == []
    content = json.loads(history.get(ids[1][:8]).content)
    dev004 = next(r for r in content["results"] if r["control"] == "DEV-004")
    assert dev004["status"] == "fail" and dev004["severity"] == "critical" and dev004["evidence"]
    fairness = content["measured"]["model_version:adult-income/1"]["fairness.sex"]
    assert 0.3 < fairness["demographic_parity_ratio"] < 0.4  # the measured number, for trends
    verified = history.verify(load_public(public))
    assert verified.ok and verified.entries == 3 and verified.signature.startswith("valid")


TAMPERING = [
    ("content changed", ["UPDATE ailm_history_entries SET content = replace(content, '\"fail\"', '\"pass\"') WHERE seq = 2"],
     "entry 2 (audit {1}) was changed: its content no longer hashes"),
    ("a result row changed", ["UPDATE ailm_history_results SET status = 'pass' WHERE control = 'DEV-004' AND audit_id = '{0}'"],
     "entry 1 (audit {0}) was changed: its per-control results"),
    ("a copied column changed", ["UPDATE ailm_history_entries SET verdict = 'compliant' WHERE seq = 3"],
     "entry 3 (audit {2}) was changed: verdict"),
    ("an entry deleted", ["DELETE FROM ailm_history_results WHERE audit_id = '{1}'", "DELETE FROM ailm_history_entries WHERE seq = 2"],
     "entry 2 is missing (the next is 3): deleted"),
    ("entries swapped", ["UPDATE ailm_history_entries SET seq = 99 WHERE seq = 1", "UPDATE ailm_history_entries SET seq = 1 WHERE seq = 2",
                         "UPDATE ailm_history_entries SET seq = 2 WHERE seq = 99"],
     "entry 1 (audit {1}) does not follow entry 0"),
    ("the newest entry deleted", ["DELETE FROM ailm_history_results WHERE audit_id = '{2}'", "DELETE FROM ailm_history_entries WHERE seq = 3"],
     "the head names entry 3, the chain ends at entry 2: the newest entries were deleted"),
    ("the head deleted", ["DELETE FROM ailm_history_head"], "the chain has entries but no head"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "statements", "expected"), TAMPERING, ids=[t[0] for t in TAMPERING])
def test_tampering_is_found_and_names_the_entry(
    url: str, demo_run: Any, demo_keys, case: str, statements: list[str], expected: str
) -> None:
    private, public = demo_keys
    history = History.open(url)
    ids = _record(history, demo_run, load_private(private))
    assert history.verify(load_public(public)).ok
    _sql(url, *(s.format(*ids) for s in statements))
    verified = history.verify(load_public(public))
    assert not verified.ok and expected.format(*ids) in verified.problems[0], (case, verified.problems)


def test_a_forged_entry_needs_the_key(
    url: str, demo_run: Any, demo_keys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Someone with database access appends an entry with correct hashes: only the signatures tell. ailm itself
    refuses to append with another key, or with none, to a history its key signed."""
    from ailm.signing import generate

    private, public = demo_keys
    history = History.open(url)
    _record(history, demo_run, load_private(private), n=2)
    other, _ = generate(tmp_path / "other-keys")
    with pytest.raises(HistoryError, match="is not signed by a trusted key"):
        _record(history, demo_run, load_private(other), n=1)
    with pytest.raises(HistoryError, match="an audit without the signing key cannot append"):
        _record(history, demo_run, None, n=1)
    assert len(history.entries()) == 2
    # a modified ailm (or SQL by hand) that skips the check: a valid chain, its newest entry signed by another key
    from ailm.history import Verification

    monkeypatch.setattr(History, "check_for", lambda *_a, **_k: Verification(entries=2))
    _record(history, demo_run, load_private(other), n=1)
    monkeypatch.undo()
    assert history.verify().ok  # without the key, a rewritten history cannot be told from the real one
    verified = history.verify(load_public(public))
    assert (
        not verified.ok
        and "entry 3 (audit" in verified.problems[0]
        and "not signed by a trusted key" in verified.problems[0]
    )
    assert any("the head's signature does not verify" in p for p in verified.problems)


def test_nothing_is_appended_to_a_broken_chain_and_a_failed_write_leaves_no_half_entry(
    url: str, demo_run: Any, demo_keys, monkeypatch: pytest.MonkeyPatch
) -> None:
    private, _ = demo_keys
    history = History.open(url)
    _record(history, demo_run, load_private(private), n=2)
    import ailm.history.store as store

    def boom(*_: Any) -> str:
        raise RuntimeError("killed between the entry and its results")

    monkeypatch.setattr(store, "_model_of", boom)
    with pytest.raises(RuntimeError):
        _record(history, demo_run, load_private(private), n=1)
    monkeypatch.undo()
    assert [e.seq for e in history.entries()] == [1, 2] and history.verify().ok  # the transaction rolled back
    _sql(url, "UPDATE ailm_history_head SET seq = 7")
    with pytest.raises(HistoryError, match="the newest entries were deleted"):
        _record(history, demo_run, load_private(private), n=1)
    assert history.verify().entries == 2
    with pytest.raises(HistoryError, match="does not hold: the head names entry 7"):
        history.entries()  # and no reader shows what it holds


def test_a_schema_newer_than_this_ailm_is_refused(url: str) -> None:
    History.open(url)
    _sql(url, "UPDATE ailm_history_version SET version_num = '9999'")
    with pytest.raises(HistoryError, match="revision 9999, which this ailm does not know"):
        History.open(url)
    with pytest.raises(HistoryError, match="revision 9999"):
        History.open(url, write=False)


def test_the_migrations_create_exactly_the_models(url: str) -> None:
    from importlib.resources import files

    from alembic.autogenerate import compare_metadata
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from ailm.history.models import Base
    from ailm.history.store import HEAD_REVISION

    cfg = Config()
    cfg.set_main_option("script_location", str(files("ailm.history") / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == HEAD_REVISION  # the fast path's constant
    History.open(url)
    engine = create_engine(url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert [d for d in diff if not (isinstance(d, tuple) and "ailm_history_version" in str(d))] == []


def test_the_audit_records_itself_and_bad_history_stops_it_first(
    demo_copy: Path, tmp_path: Path, run_cli, demo_keys
) -> None:
    private, public = demo_keys
    db = tmp_path / "h.db"
    cfg = demo_copy / "ailm.yaml"
    for _ in range(2):
        res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o", "--key", private, "--as-of", "2026-11-23",
                      "--format", "json", "--history", db)  # fmt: skip
        assert res.code == 1 and "Recorded in the history" in res.out, res.err
    listed = run_cli("history", "list", "--history", db, "--format", "json")
    assert listed.code == 0 and len(json.loads(listed.out)) == 2
    assert run_cli("history", "verify", "--history", db, "--key", public).code == 0
    _sql(f"sqlite:///{db}", "UPDATE ailm_history_results SET status = 'pass' WHERE control = 'DEV-004'")
    res = run_cli("history", "verify", "--history", db, "--key", public)
    assert res.code == 1 and "entry 1 (audit" in res.err and "was changed" in res.err

    unreachable = "postgresql+psycopg://ailm:s3cret@127.0.0.1:9/none"
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "o2", "--no-sign", "--history", unreachable)
    assert res.code == 2 and "history postgresql+psycopg://ailm:***@127.0.0.1:9/none" in res.err, res.err
    assert "s3cret" not in res.err and not (tmp_path / "o2").exists()  # stopped before auditing
    res = run_cli("history", "list", "--history", tmp_path / "missing.db")
    assert res.code == 2 and "no such file" in res.err


def test_audits_appending_at_once_do_not_fork_the_chain(url: str, demo_run: Any) -> None:
    from concurrent.futures import ThreadPoolExecutor

    History.open(url)

    def one(_: int) -> None:
        _record(History.open(url), demo_run, None, n=2)

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(4)))
    history = History.open(url)
    assert [e.seq for e in history.entries()] == list(range(1, 9)) and history.verify().ok


def test_diff_names_what_moved_and_why(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    common = ("--out", tmp_path / "o", "--no-sign", "--as-of", "2026-11-23", "--format", "json")
    assert run_cli("audit", "--config", cfg, *common).code == 1
    cfg.write_text(cfg.read_text() + "thresholds:\n  four_fifths_ratio: 0.3\n")  # DEV-004: 0.34 and 0.36 clear 0.3
    assert run_cli("audit", "--config", cfg, *common).code == 1
    res = run_cli("diff", "--config", cfg, "--format", "json")
    assert res.code == 0, res.err
    d = json.loads(res.out)
    assert d["thresholds_changed"] and not d["policy_set_changed"]
    assert [(c["control"], c["from"], c["to"]) for c in d["fixed"]] == [("DEV-004", "fail", "pass")]
    assert d["fixed"][0]["why"] == ["the thresholds changed"] and d["new_failures"] == []
    first, second = (e["audit_id"] for e in json.loads(run_cli("history", "list", "--config", cfg, "--format",
                                                                "json").out))  # fmt: skip
    backwards = json.loads(run_cli("diff", second, first, "--config", cfg, "--format", "json").out)
    assert backwards["fixed"] == d["fixed"]  # the earlier audit is always the "from" side
    md = run_cli("diff", "--config", cfg, "--format", "markdown").out
    assert "| DEV-004 | `model_version:adult-income/1` | fail | pass | the thresholds changed |" in md
    text = run_cli("diff", "--config", cfg).out
    assert "New failures: 0" in text and "Fixed: 1" in text


def test_diff_causes_a_lapsed_waiver_and_a_moving_clock() -> None:
    from ailm.history.diff import diff

    def content(as_of: str, status: str, waiver: str | None) -> dict[str, Any]:
        result = {"subject": "v", "control": "GOV-004", "status": status, "severity": "high", "evidence_sha256": "e",
                  "waiver": waiver}  # fmt: skip
        return {"audit_id": as_of, "as_of": as_of, "policy_sha256": "p", "thresholds": {}, "gate": {},
                "subjects": [{"id": "v"}], "results": [result]}  # fmt: skip

    d = diff(content("2026-11-01", "waived", "RISK-1"), content("2027-01-01", "fail", None))
    assert d["new_failures"][0]["why"] == ["waiver RISK-1 no longer applies (expired or removed)"]
    d = diff(content("2026-11-01", "pass", None), content("2027-01-01", "fail", None))
    assert "the audit clock moved" in d["new_failures"][0]["why"][0]
    d = diff(content("2026-11-01", "pass", None), {**content("2026-11-02", "pass", None), "subjects": []})
    assert d["removed_subjects"] == ["v"]


def test_every_report_opens_with_the_changes_since_the_previous_audit(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    cfg = demo_copy / "ailm.yaml"
    common = ("--no-sign", "--as-of", "2026-11-23", "--format", "json,html,markdown")
    assert run_cli("audit", "--config", cfg, "--out", tmp_path / "a", *common).code == 1
    first = json.loads((tmp_path / "a" / "report.json").read_text())
    assert first["changes"] is None  # nothing recorded before it
    cfg.write_text(cfg.read_text() + "thresholds:\n  four_fifths_ratio: 0.3\n")
    assert run_cli("audit", "--config", cfg, "--out", tmp_path / "b", *common).code == 1
    second = json.loads((tmp_path / "b" / "report.json").read_text())
    assert second["changes"]["from"]["audit_id"] == first["audit_id"]
    assert [c["control"] for c in second["changes"]["fixed"]] == ["DEV-004"]
    html = (tmp_path / "b" / "report.html").read_text()
    assert "Changes since the previous audit" in html and "the thresholds changed" in html
    assert html.index("Changes since the previous audit") < html.index("Measured evidence")
    md = (tmp_path / "b" / "report.md").read_text()
    assert "#### Changes since audit" in md and "| DEV-004 |" in md


def test_what_will_expire_is_judged_on_the_same_evidence_at_a_later_clock(
    demo_copy: Path, tmp_path: Path, run_cli
) -> None:
    cfg = demo_copy / "ailm.yaml"
    common = ("--no-sign", "--no-history", "--as-of", "2026-11-23", "--format", "json,html,markdown")
    assert run_cli("audit", "--config", cfg, "--out", tmp_path / "a", *common, "--horizon", "30d").code == 1
    soon = json.loads((tmp_path / "a" / "report.json").read_text())["upcoming"]
    assert "GOV-001" not in {u["control"] for u in soon}  # the inventory is still valid on 2026-12-23
    assert run_cli("audit", "--config", cfg, "--out", tmp_path / "b", *common, "--horizon", "60").code == 1
    report = json.loads((tmp_path / "b" / "report.json").read_text())
    gov001 = next(u for u in report["upcoming"] if u["control"] == "GOV-001")
    assert (
        gov001["now"] == "pass" and gov001["then"] == "fail" and gov001["by"] == "2027-01-05"
    )  # the first day it fails, not the horizon
    assert gov001["causes"] == ["declared fact manifest:adult-income:inventory (inventory) expires on 2027-01-05"]
    now = {r["control"]: r["status"] for r in report["results"]}
    assert all(now[u["control"]] in ("pass", "warn", "waived", "not_applicable") for u in report["upcoming"])
    assert report["gate"]["exit_code"] == 1  # a projection never changes today's verdict
    html = (tmp_path / "b" / "report.html").read_text().replace("<wbr>", "")
    assert "What will expire" in html and "manifest:adult-income:inventory" in html
    assert "**Will fail unless renewed:** " in (tmp_path / "b" / "report.md").read_text()
    assert run_cli("audit", "--config", cfg, "--out", tmp_path / "c", *common, "--horizon", "0").code == 1
    assert json.loads((tmp_path / "c" / "report.json").read_text())["upcoming"] == []
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "d", *common, "--horizon", "soon")
    assert res.code == 2 and "--horizon 'soon'" in res.err


def test_a_changed_entry_is_never_drawn_as_a_trend(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    import sqlite3

    cfg = demo_copy / "ailm.yaml"
    common = ("--no-sign", "--as-of", "2026-11-23", "--format", "json", "--horizon", "0")
    assert run_cli("audit", "--config", cfg, "--out", tmp_path / "a", *common).code == 1
    with sqlite3.connect(tmp_path / "history.db") as db:  # the demo copy's history
        db.execute("UPDATE ailm_history_entries SET content = replace(content, '\"fail\"', '\"pass\"') WHERE seq = 1")
    res = run_cli("audit", "--config", cfg, "--out", tmp_path / "b", *common)
    said = " ".join(res.err.split())
    assert res.code == 2 and "entry 1 (audit " in said and "no longer hashes to its digest" in said, said
    assert not (tmp_path / "b").exists()  # nothing written from a changed history: the audit checks it first


def test_diff_markdown_shows_hostile_subjects_and_causes_as_text() -> None:
    from markdown_it import MarkdownIt

    from ailm.history.diff import render_markdown

    hostile = "model_version:x`<img src=x onerror=alert(1)>`/1"
    change = {
        "control": "DEV-004",
        "subject": hostile,
        "from": "pass",
        "to": "fail",
        "why": ["![t](https://evil.example/p.png)"],
    }
    d = {"from": {"audit_id": "abcdef0123", "as_of": "2026-11-23"}, "new_failures": [change], "fixed": [],
         "changed": [], "evidence_changed": [], "new_subjects": [hostile], "removed_subjects": []}  # fmt: skip
    html = MarkdownIt("commonmark", {"html": True}).enable("table").render(render_markdown(d))
    assert "<img" not in html and "onerror=alert(1)>" not in html.replace("&gt;", ">").split("<code>")[0]
