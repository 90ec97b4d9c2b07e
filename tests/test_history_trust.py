"""The history cannot be laundered: an audit never signs over tampering, nobody appends without the key, a
rolled-back or wiped history is told from the real one by a witness, every column a command reads is
chained, and every reader checks before it shows. Each case is an attack by someone with write access to the
database (not to the key), run against what ailm itself says."""
# ruff: noqa: E501

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from ailm.canonical import sha256_bytes, sha256_json
from ailm.history import History, HistoryError
from ailm.signing import load_private, load_public
from test_history import _record

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def demo_run(demo_root: Path) -> Any:
    from datetime import UTC, datetime

    from ailm.audit.runner import AuditOptions, run_audit

    as_of = datetime(2026, 11, 23, tzinfo=UTC)
    return run_audit(AuditOptions(config_path=demo_root / "evidence" / "demo" / "ailm.yaml", as_of=as_of))


def _sql(url: str, *statements: str, **params: Any) -> list[Any]:
    engine = create_engine(url)
    rows: list[Any] = []
    with engine.begin() as conn:
        for s in statements:
            res = conn.execute(text(s), params)
            if res.returns_rows:
                rows = list(res)
    engine.dispose()
    return rows


def _rehash_from(url: str, seq: int) -> None:
    """What someone with the database but not the key does after rewriting entry ``seq``: recompute its digests
    and every later entry's, and point the head at the new last one (its old signature stays)."""
    entries = _sql(url, "SELECT seq, content, prev_sha256 FROM ailm_history_entries ORDER BY seq")
    prev = next((e for e in entries if e.seq == seq - 1), None)
    prev_sha = (
        _sql(url, "SELECT entry_sha256 FROM ailm_history_entries WHERE seq = :s", s=seq - 1)[0][0] if prev else ""
    )
    for e in [e for e in entries if e.seq >= seq]:
        content_sha = sha256_bytes(e.content.encode("utf-8"))
        entry_sha = sha256_json({"seq": e.seq, "content_sha256": content_sha, "prev": prev_sha})
        _sql(url, "UPDATE ailm_history_entries SET content_sha256 = :c, entry_sha256 = :e, prev_sha256 = :p WHERE seq = :s",
             c=content_sha, e=entry_sha, p=prev_sha, s=e.seq)  # fmt: skip
        prev_sha = entry_sha
    _sql(url, "UPDATE ailm_history_head SET entry_sha256 = :e", e=prev_sha)


def _rewrite_to_compliant(url: str, seq: int) -> None:
    content = _sql(url, "SELECT content FROM ailm_history_entries WHERE seq = :s", s=seq)[0][0]
    doc = json.loads(content)
    doc["gate"]["verdict"], doc["gate"]["exit_code"] = "compliant", 0
    for r in doc["results"]:
        r["status"] = "pass"
    from ailm.canonical import canonical_json

    new = canonical_json(doc).decode("utf-8")
    _sql(
        url,
        "UPDATE ailm_history_entries SET content = :c, verdict = 'compliant', exit_code = 0 WHERE seq = :s",
        c=new,
        s=seq,
    )
    audit = doc["audit_id"]
    _sql(url, "UPDATE ailm_history_results SET status = 'pass' WHERE audit_id = :a", a=audit)


def _drop_newest(url: str) -> None:
    """Delete the newest entry and its rows, and point the head at the one before, with that entry's own
    signature copied into the head row (all an attacker without the key has)."""
    last = _sql(url, "SELECT seq, audit_id FROM ailm_history_entries ORDER BY seq DESC LIMIT 1")[0]
    _sql(url, "DELETE FROM ailm_history_results WHERE audit_id = :a", a=last.audit_id)
    _sql(url, "DELETE FROM ailm_history_entries WHERE seq = :s", s=last.seq)
    prev = _sql(
        url, "SELECT seq, entry_sha256, signer, signature FROM ailm_history_entries WHERE seq = :s", s=last.seq - 1
    )[0]
    _sql(url, "UPDATE ailm_history_head SET seq = :s, entry_sha256 = :e, key_id = :k, signature = :g",
         s=prev.seq, e=prev.entry_sha256, k=prev.signer, g=prev.signature)  # fmt: skip


LAUNDERING = [
    ("the newest entry dropped, the head moved back", _drop_newest, "the head's signature does not verify"),
    ("an entry rewritten to compliant, its digests recomputed", lambda url: (_rewrite_to_compliant(url, 2), _rehash_from(url, 2)),
     "entry 2 (audit"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "tamper", "named"), LAUNDERING, ids=[c[0] for c in LAUNDERING])
def test_a_signed_audit_never_signs_over_tampering(
    tmp_path: Path, demo_run: Any, demo_keys, case: str, tamper: Any, named: str
) -> None:
    private, public = demo_keys
    url = f"sqlite:///{tmp_path / 'h.db'}"
    history = History.open(url)
    _record(history, demo_run, load_private(private), n=3)
    tamper(url)
    before = _sql(url, "SELECT count(*) FROM ailm_history_entries")[0][0]
    with pytest.raises(HistoryError, match="nothing is appended") as raised:
        _record(history, demo_run, load_private(private), n=1)
    assert named in str(raised.value), (case, raised.value)
    assert _sql(url, "SELECT count(*) FROM ailm_history_entries")[0][0] == before  # nothing appended
    verified = history.verify(load_public(public))
    assert not verified.ok and any(named in p for p in verified.problems), verified.problems


def test_the_audit_command_refuses_a_laundered_history_before_any_work(
    demo_copy: Path, tmp_path: Path, run_cli, demo_keys
) -> None:
    private, public = demo_keys
    db = tmp_path / "h.db"
    cfg = demo_copy / "ailm.yaml"
    common = ("--config", cfg, "--as-of", "2026-11-23", "--format", "json", "--history", db, "--horizon", "0")
    for name in ("a", "b"):
        assert run_cli("audit", *common, "--out", tmp_path / name, "--key", private).code == 1
    res = run_cli("audit", *common, "--out", tmp_path / "unsigned", "--no-sign")
    said = " ".join(res.err.split())
    assert res.code == 2 and "an audit without the signing key cannot append" in said, said
    assert not (tmp_path / "unsigned").exists()
    _drop_newest(f"sqlite:///{db}")
    res = run_cli("audit", *common, "--out", tmp_path / "c", "--key", private)
    said = " ".join(res.err.split())
    assert res.code == 2 and "the head's signature does not verify" in said and not (tmp_path / "c").exists(), said
    res = run_cli("history", "verify", "--history", db, "--key", public)
    assert res.code == 1 and "the head's signature does not verify" in " ".join(res.err.split())


def test_a_rolled_back_or_wiped_history_is_found_by_its_witness(
    demo_copy: Path, tmp_path: Path, run_cli, demo_keys
) -> None:
    private, public = demo_keys
    db, head = tmp_path / "h.db", tmp_path / "durable" / "head.json"
    head.parent.mkdir()
    cfg = demo_copy / "ailm.yaml"
    common = ("--config", cfg, "--as-of", "2026-11-23", "--format", "json", "--history", db, "--horizon", "0",
              "--key", private, "--witness", head)  # fmt: skip
    assert run_cli("audit", *common, "--out", tmp_path / "a").code == 1
    yesterday = tmp_path / "yesterday.db"
    shutil.copy(db, yesterday)
    res = run_cli("audit", *common, "--out", tmp_path / "b")
    assert res.code == 1 and "Wrote the history's new head to the witness" in " ".join(res.out.split())
    assert json.loads(head.read_text())["seq"] == 2
    ok = run_cli("history", "verify", "--history", db, "--key", public, "--witness", head, "--witness", tmp_path / "b")
    said = " ".join(ok.out.split())
    assert ok.code == 0 and "entry 2 is in the history, unchanged" in said and "recorded as entry 2" in said, said

    shutil.copy(yesterday, db)  # yesterday's copy restored: it verifies on its own
    assert run_cli("history", "verify", "--history", db, "--key", public).code == 0
    for witness in (head, tmp_path / "b", tmp_path / "b" / "attestation.dsse.json"):
        res = run_cli("history", "verify", "--history", db, "--key", public, "--witness", witness)
        said = " ".join(res.err.split())
        assert res.code == 1 and ("rolled back" in said), (witness, said)
    res = run_cli("audit", *common, "--out", tmp_path / "c")
    said = " ".join(res.err.split())
    assert res.code == 2 and "saw entry 2, the history ends at entry 1: it was rolled back or wiped" in said, said
    assert not (tmp_path / "c").exists()

    _sql(
        f"sqlite:///{db}",
        "DELETE FROM ailm_history_results",
        "DELETE FROM ailm_history_entries",
        "DELETE FROM ailm_history_head",
    )
    res = run_cli("history", "verify", "--history", db, "--key", public)
    assert res.code == 1 and "the history is empty: nothing vouches that it is complete" in " ".join(res.err.split())
    res = run_cli("history", "verify", "--history", db, "--witness", head)
    assert res.code == 1 and "rolled back or wiped" in " ".join(res.err.split())


COLUMNS = [
    ("the model a result row names", "UPDATE ailm_history_results SET model = 'other-model' WHERE control = 'DEV-004'", "its per-control results"),
    ("the time an entry was recorded", "UPDATE ailm_history_entries SET recorded_at = '2020-01-01T00:00:00+00:00' WHERE seq = 1", "recorded_at"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "statement", "named"), COLUMNS, ids=[c[0] for c in COLUMNS])
def test_every_column_a_command_reads_is_chained(
    tmp_path: Path, demo_run: Any, case: str, statement: str, named: str
) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    history = History.open(url)
    _record(history, demo_run, None, n=2)
    assert history.verify().ok
    _sql(url, statement)
    verified = history.verify()
    assert not verified.ok and "entry 1 (audit" in verified.problems[0] and named in verified.problems[0], (
        verified.problems
    )


def test_every_reader_checks_what_it_reads(demo_copy: Path, tmp_path: Path, run_cli) -> None:
    db = tmp_path / "h.db"
    cfg = demo_copy / "ailm.yaml"
    common = (
        "--config",
        cfg,
        "--as-of",
        "2026-11-23",
        "--format",
        "json",
        "--history",
        db,
        "--horizon",
        "0",
        "--no-sign",
    )
    for name in ("a", "b"):
        assert run_cli("audit", *common, "--out", tmp_path / name).code == 1
    audit_id = json.loads((tmp_path / "a" / "report.json").read_text())["audit_id"]
    _rewrite_to_compliant(f"sqlite:///{db}", 1)  # digests left stale
    for args in (("history", "list", "--history", db), ("history", "show", audit_id[:8], "--history", db),
                 ("diff", "--history", db), ("diff", "--config", cfg, "--history", db)):  # fmt: skip
        res = run_cli(*args)
        said = " ".join(res.err.split())
        assert res.code == 2 and f"entry 1 (audit {audit_id}) was changed" in said and res.out == "", (args, said)
    res = run_cli("audit", *common, "--out", tmp_path / "c")
    assert res.code == 2 and not (tmp_path / "c").exists()


KILL_AT_COMMIT = """
import os, signal, sys
import ailm.audit.outdir as outdir
def killed(self):
    os.kill(os.getpid(), signal.SIGKILL)
outdir.OutputFolder.commit = killed
from ailm.cli import entry
sys.argv = ["ailm", *sys.argv[1:]]
entry()
"""


def test_a_kill_between_recording_and_publishing_is_reported_by_the_next_audit(
    demo_copy: Path, tmp_path: Path, run_cli, demo_keys
) -> None:
    """The audit is recorded first and published second: a kill -9 between leaves a recorded entry whose report
    was never put in place, and the next audit into that folder says so in its report."""
    private, public = demo_keys
    db = tmp_path / "h.db"
    cfg = demo_copy / "ailm.yaml"
    out = tmp_path / "out"
    common = ("--config", cfg, "--as-of", "2026-11-23", "--format", "json", "--history", db, "--horizon", "0",
              "--key", private, "--out", out)  # fmt: skip
    assert run_cli("audit", *common).code == 1
    first = json.loads((out / "report.json").read_text())["audit_id"]
    env = {**os.environ, "PYTHONPATH": str(REPO / "engine")}
    done = subprocess.run([sys.executable, "-c", KILL_AT_COMMIT, "audit", *map(str, common)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)  # fmt: skip
    assert done.returncode == -signal.SIGKILL, done.stderr
    assert json.loads((out / "report.json").read_text())["audit_id"] == first  # the old folder, whole
    entries = History.open(f"sqlite:///{db}", write=False).entries()
    assert len(entries) == 2 and entries[0].audit_id == first  # the killed audit was recorded
    killed = entries[1].audit_id
    assert run_cli("verify", out, "--key", public).code == 0
    assert run_cli("audit", *common).code == 1
    notes = json.loads((out / "report.json").read_text())["notes"]
    assert any(f"{killed} (history entry 2), was recorded but its reports are not in {out}" in n for n in notes), notes
    assert run_cli("history", "verify", "--history", db, "--key", public, "--witness", out).code == 0


@pytest.mark.parametrize(("case", "tamper", "named"), LAUNDERING, ids=[c[0] for c in LAUNDERING])
def test_tampering_while_the_audit_runs_is_refused_at_the_append(
    tmp_path: Path, demo_run: Any, demo_keys, case: str, tamper: Any, named: str
) -> None:
    """The append checks again what changed since the check before any work (only entries it checked whole
    and that are unchanged are taken on their place in the chain)."""
    private, public = demo_keys
    url = f"sqlite:///{tmp_path / 'h.db'}"
    _record(History.open(url), demo_run, load_private(private), n=3)
    audit = History.open(url)
    audit.preflight(load_private(private))
    tamper(url)  # while the audit measures and evaluates
    with pytest.raises(HistoryError, match="nothing is appended") as raised:
        _record(audit, demo_run, load_private(private), n=1)
    assert named in str(raised.value), raised.value
    assert not History.open(url).verify(load_public(public)).ok


def test_content_changed_while_the_audit_runs_stays_found_after_the_append(
    tmp_path: Path, demo_run: Any, demo_keys
) -> None:
    """An entry's content changed (its digests not) after the check: the append's signature covers the chain
    of digests, not the changed text, so the change is still named by verify and by every reader."""
    private, public = demo_keys
    url = f"sqlite:///{tmp_path / 'h.db'}"
    _record(History.open(url), demo_run, load_private(private), n=2)
    audit = History.open(url)
    audit.preflight(load_private(private))
    _sql(url, "UPDATE ailm_history_entries SET content = replace(content, '\"fail\"', '\"pass\"') WHERE seq = 1")
    _record(audit, demo_run, load_private(private), n=1)
    verified = History.open(url).verify(load_public(public))
    assert not verified.ok and "entry 1 (audit" in verified.problems[0] and "no longer hashes" in verified.problems[0]
    with pytest.raises(HistoryError, match="no longer hashes"):
        History.open(url).entries()


def test_two_overlapping_audits_never_move_the_witness_back(tmp_path: Path, demo_keys) -> None:
    from ailm.history.witness import keep_head, read

    private, public = demo_keys
    witness = tmp_path / "head.json"
    assert keep_head(witness, 5, "b" * 64, load_private(private))  # the later-recorded audit writes first
    assert not keep_head(witness, 4, "a" * 64, load_private(private))  # the earlier one, late: kept
    assert read(witness, [load_public(public)]).seq == 5


def test_a_head_file_cannot_stand_in_for_the_head_of_a_history_cut_back_to_it(
    demo_copy: Path, tmp_path: Path, run_cli, demo_keys
) -> None:
    """A head file anyone can read (an uploaded artifact) is signed over another message than the database's
    head: copied into the head row of a history cut back to it, it does not verify."""
    private, public = demo_keys
    db, head = tmp_path / "h.db", tmp_path / "head.json"
    cfg = demo_copy / "ailm.yaml"
    common = ("--config", cfg, "--as-of", "2026-11-23", "--format", "json", "--history", db, "--horizon", "0",
              "--key", private, "--witness", head)  # fmt: skip
    assert run_cli("audit", *common, "--out", tmp_path / "a").code == 1
    kept = json.loads(head.read_text())
    assert run_cli("audit", *common, "--out", tmp_path / "b").code == 1
    url = f"sqlite:///{db}"
    last = _sql(url, "SELECT audit_id FROM ailm_history_entries WHERE seq = 2")[0][0]
    _sql(
        url,
        "DELETE FROM ailm_history_results WHERE audit_id = :a",
        "DELETE FROM ailm_history_entries WHERE seq = 2",
        a=last,
    )
    _sql(url, "UPDATE ailm_history_head SET seq = :s, entry_sha256 = :e, key_id = :k, signature = :g",
         s=kept["seq"], e=kept["entry_sha256"], k=kept["signer"], g=kept["signature"])  # fmt: skip
    res = run_cli("history", "verify", "--history", db, "--key", public)
    assert res.code == 1 and "the head's signature does not verify" in " ".join(res.err.split())


def test_rows_written_by_hand_are_named_never_an_internal_error(
    tmp_path: Path, demo_run: Any, demo_keys, run_cli
) -> None:
    private, public = demo_keys
    db = tmp_path / "h.db"
    url = f"sqlite:///{db}"
    _record(History.open(url), demo_run, load_private(private), n=2)
    _sql(url, "UPDATE ailm_history_head SET key_id = 'deadbeefdeadbeefdeadbeef'")
    res = run_cli("history", "verify", "--history", db, "--key", public)
    assert res.code == 0 and "deadbeef" not in res.out  # the key the signatures verified with is shown, not the row's
    _sql(url, "UPDATE ailm_history_head SET seq = '3abc'")
    res = run_cli("history", "verify", "--history", db, "--key", public)
    said = " ".join(res.err.split())
    assert res.code == 1 and "its rows hold a value of the wrong type" in said and "internal error" not in said, said
    _sql(url, "INSERT INTO ailm_history_version (version_num) VALUES ('0001')")
    res = run_cli("history", "verify", "--history", db, "--key", public)
    said = " ".join(res.err.split())
    assert res.code == 2 and "its schema version cannot be read" in said and "internal error" not in said, said


def test_a_reader_given_the_key_does_not_show_a_wiped_history_as_an_empty_past(
    tmp_path: Path, demo_run: Any, demo_keys, run_cli
) -> None:
    private, public = demo_keys
    db = tmp_path / "h.db"
    url = f"sqlite:///{db}"
    _record(History.open(url), demo_run, load_private(private), n=1)
    _sql(url, "DELETE FROM ailm_history_results", "DELETE FROM ailm_history_entries", "DELETE FROM ailm_history_head")
    assert run_cli("history", "list", "--history", db).code == 0  # no key: the chain alone, and it is empty
    res = run_cli("history", "list", "--history", db, "--key", public)
    assert res.code == 2 and "the history is empty" in " ".join(res.err.split())
