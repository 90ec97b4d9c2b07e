"""The history store: every audit appended to a hash chain in SQL (SQLite by default, PostgreSQL by URL).

Each entry holds the canonical JSON of what the audit decided (per subject and control: status, severity, a
digest of the messages, the evidence ids; the measured numbers controls used; the digests of the evidence set,
the policy set and the attestation). ``entry_sha256`` covers the entry's sequence number, the digest of that
content and the previous entry's ``entry_sha256``; the head names the last entry and is signed with the audit
key. ``verify`` walks the chain: an entry changed, deleted, reordered or inserted breaks it at a place it names.
The schema is Alembic's (``migrations/``); a database whose schema is newer than this ailm is refused.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from ailm.canonical import canonical_json, sha256_bytes, sha256_json
from ailm.errors import AilmError
from ailm.evidence.model import EvidenceSet
from ailm.history.models import Entry, Head, ResultRow
from ailm.redact import redact
from ailm.result import AuditResult

ENTRY_SCHEMA = "ailm.history/v1"
VERSION_TABLE = "ailm_history_version"
HEAD_REVISION = "0001"  # the newest migration's revision; a test holds it to Alembic's head
DEFAULT_PATH = ".ailm/history.db"
_MIGRATING = threading.Lock()


class HistoryError(AilmError):
    """The history store cannot be read or written: no verdict (exit 2), and nothing stored is changed."""

    conflict = False  # another audit appended at the same moment: worth one more try


def resolve_url(spec: str, base_dir: Path) -> str:
    """A database URL as given, or a file path (relative to ``base_dir``) as a SQLite URL."""
    if "://" in spec:
        return spec
    path = (base_dir / spec).resolve()
    return f"sqlite:///{path}"


def head_message(seq: int, entry_sha256: str) -> bytes:
    return f"ailm-history-head/v1\n{seq}\n{entry_sha256}".encode()


def _measured(evidence: EvidenceSet) -> dict[str, dict[str, Any]]:
    """The numbers controls decide by, per subject: fairness differences and ratios, drift, for trends."""
    out: dict[str, dict[str, Any]] = {}
    for r in evidence.records:
        res = r.data.get("result") if isinstance(r.data, dict) else None
        if not isinstance(res, dict):
            continue
        mine = out.setdefault(r.subject, {})
        if r.kind == "analysis.fairness":
            for f in res.get("features") or []:
                if isinstance(f, dict) and isinstance(f.get("feature"), str):
                    mine[f"fairness.{f['feature']}"] = {
                        k: f.get(k)
                        for k in ("demographic_parity_difference", "demographic_parity_ratio",
                                  "equalized_odds_difference")
                    }  # fmt: skip
            mine["accuracy"] = res.get("accuracy")
        elif r.kind == "analysis.drift":
            score = res.get("score")
            score = score if isinstance(score, dict) else {}
            mine["drift"] = {"score_psi": score.get("psi"), "max_feature_psi": res.get("max_feature_psi")}
    return {k: v for k, v in sorted(out.items()) if v}


def entry_content(result: AuditResult, evidence: EvidenceSet, attestation_sha256: str | None) -> dict[str, Any]:
    gate = result.gate()
    digest_of = {e.id: e.sha256 for e in result.evidence_index}
    return {
        "schema": ENTRY_SCHEMA,
        **result.identity(),
        "fail_on": result.fail_on,
        "gate": gate.model_dump(mode="json"),
        "policy_sha256": result.policy_sha256,
        "evidence_sha256": result.evidence_sha256,
        "attestation_sha256": attestation_sha256,
        "thresholds": result.thresholds,
        "subjects": [s.model_dump(mode="json") for s in result.subjects],
        "results": [
            {
                "subject": r.subject,
                "control": r.control,
                "stage": r.stage,
                "status": r.status.value,
                "severity": r.severity.value,
                "messages_sha256": sha256_json([[f.level, f.message] for f in r.findings]),
                "messages": [f.message for f in r.findings][:5],
                "evidence": r.evidence,
                "evidence_sha256": sha256_json(sorted([i, digest_of[i]] for i in set(r.evidence) if i in digest_of)),
                "waiver": r.waiver.ticket if r.waiver else None,
            }
            for r in sorted(result.results, key=lambda r: (r.subject, r.control))
        ],
        "measured": _measured(evidence),
    }


def _model_of(subject: str, names: dict[str, str]) -> str:
    return names.get(subject) or subject.split(":", 1)[-1].rsplit("/", 1)[0]


@dataclass
class Verification:
    entries: int
    problems: list[str] = field(default_factory=list)
    signature: str = "not checked"

    @property
    def ok(self) -> bool:
        return not self.problems


class History:
    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.pool import NullPool

        self.url = url
        self.shown = redact(url)
        try:
            # a connection per transaction, closed at its end: an audit writes once, nothing is left open
            self.engine = create_engine(url, poolclass=NullPool)
        except Exception as exc:  # an unknown dialect, a malformed URL
            raise HistoryError(f"history {self.shown}: {type(exc).__name__}: {exc}") from None
        if self.engine.dialect.name == "sqlite":

            @event.listens_for(self.engine, "connect")
            def _sqlite(dbapi: Any, _record: Any) -> None:
                dbapi.isolation_level = None  # transactions are begun explicitly, below

            @event.listens_for(self.engine, "begin")
            def _immediate(conn: Any) -> None:
                conn.exec_driver_sql("BEGIN IMMEDIATE")  # one writer at a time: no forked chain

    @classmethod
    def open(cls, url: str, *, write: bool = True) -> History:
        """Connect and, to write, bring the schema to this ailm's revision (creating it in an empty database).
        To read, the history must exist and be at this ailm's revision: reading never changes it."""
        history = cls(url)
        if url.startswith("sqlite:///"):
            path = Path(url.removeprefix("sqlite:///"))
            if not write and not path.is_file():
                raise HistoryError(f"history {history.shown}: no such file (an audit creates it)")
            path.parent.mkdir(parents=True, exist_ok=True)
        history._migrate(write=write)
        return history

    @contextmanager
    def _connect(self) -> Iterator[Any]:
        from sqlalchemy.exc import IntegrityError, SQLAlchemyError

        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            why = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            error = HistoryError(f"history {self.shown}: {type(exc).__name__}: {redact(why)}")
            error.conflict = isinstance(exc, IntegrityError)
            raise error from None

    def _migrate(self, *, write: bool) -> None:
        with _MIGRATING:  # Alembic's command context is module-global: one migration at a time in a process
            self._migrate_locked(write=write)

    def _at_head(self) -> bool:
        """The schema is at this ailm's newest revision, read with one query (Alembic costs 0.3 s to import)."""
        from sqlalchemy import inspect, text

        with self._connect() as conn:
            if not inspect(conn).has_table(VERSION_TABLE):
                return False
            rows = list(conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")))  # noqa: S608 - a constant
        return [r[0] for r in rows] == [HEAD_REVISION]

    def _migrate_locked(self, *, write: bool) -> None:
        if self._at_head():
            return
        from alembic import command
        from alembic.config import Config
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = Config()
        cfg.set_main_option("script_location", str(files("ailm.history") / "migrations"))
        known = {s.revision for s in ScriptDirectory.from_config(cfg).walk_revisions()}
        with self._connect() as conn:
            current = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE}).get_current_revision()
            if current is not None and current not in known:
                raise HistoryError(
                    f"history {self.shown}: its schema is at revision {current}, which this ailm does not know "
                    f"(it knows {', '.join(sorted(known))}): it was written by a newer ailm; upgrade ailm"
                )
            head = ScriptDirectory.from_config(cfg).get_current_head()
            if not write:
                if current is None:
                    raise HistoryError(f"history {self.shown}: holds no ailm history (an audit creates it)")
                if current != head:
                    raise HistoryError(
                        f"history {self.shown}: its schema is at revision {current}, this ailm's is {head}: "
                        "record an audit with this ailm to upgrade it"
                    )
                return
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")

    # -- writing ---------------------------------------------------------------------------------------------

    def record(
        self, result: AuditResult, evidence: EvidenceSet, *, attestation_sha256: str | None = None, key: Any = None
    ) -> Entry:
        """Append the audit in one transaction (a killed audit leaves no half entry); refuse to append to a
        chain whose head does not name its last entry. Two audits that append at once cannot fork the chain
        (sequence and previous digest are unique): the one that loses tries again on the new head."""
        for attempt in range(5):
            try:
                return self._append(result, evidence, attestation_sha256, key)
            except HistoryError as exc:
                if not exc.conflict or attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _append(self, result: AuditResult, evidence: EvidenceSet, attestation_sha256: str | None, key: Any) -> Entry:
        from sqlalchemy import func, insert, select, update

        from ailm.signing.keys import key_id, sign

        content = entry_content(result, evidence, attestation_sha256)
        text = canonical_json(content).decode("utf-8")
        content_sha = sha256_bytes(text.encode("utf-8"))
        names = {s.id: s.name for s in result.subjects}
        with self._connect() as conn:
            # the head row first, locked (PostgreSQL; SQLite's BEGIN IMMEDIATE locks the file): one writer at a time
            head = conn.execute(select(Head).where(Head.id == 1).with_for_update()).first()
            last_seq = conn.execute(select(func.max(Entry.seq))).scalar()
            last = conn.execute(select(Entry).where(Entry.seq == last_seq)).first() if last_seq else None
            if (head is None) != (last is None) or (
                head is not None and last is not None and (head.seq, head.entry_sha256) != (last.seq, last.entry_sha256)
            ):
                broken = HistoryError(
                    f"history {self.shown}: its head does not name its last entry; the chain was changed "
                    "(see ailm history verify), so nothing is appended to it"
                )
                broken.conflict = True  # or the first entries of two audits crossed: read it again to be sure
                raise broken
            seq = (last.seq if last is not None else 0) + 1
            prev = last.entry_sha256 if last is not None else ""
            entry_sha = sha256_json({"seq": seq, "content_sha256": content_sha, "prev": prev})
            row = {
                "seq": seq, "audit_id": result.audit_id, "name": result.name, "as_of": result.as_of.isoformat(),
                "recorded_at": datetime.now(UTC).isoformat(), "ailm_version": result.ailm_version,
                "evaluator": result.evaluator, "policy_sha256": result.policy_sha256,
                "evidence_sha256": result.evidence_sha256, "verdict": content["gate"]["verdict"],
                "exit_code": content["gate"]["exit_code"], "content": text, "content_sha256": content_sha,
                "prev_sha256": prev, "entry_sha256": entry_sha,
            }  # fmt: skip
            conn.execute(insert(Entry).values(**row))
            rows = [
                {"audit_id": result.audit_id, "subject": r["subject"], "model": _model_of(r["subject"], names),
                 "control": r["control"], "status": r["status"], "severity": r["severity"]}
                for r in content["results"]
            ]  # fmt: skip
            if rows:
                conn.execute(insert(ResultRow), rows)
            signature, kid = "", ""
            if key is not None:
                signature = base64.b64encode(sign(key, head_message(seq, entry_sha))).decode("ascii")
                kid = key_id(key.public_key())
            values = {"seq": seq, "entry_sha256": entry_sha, "key_id": kid, "signature": signature}
            if head is None:
                conn.execute(insert(Head).values(id=1, **values))
            else:
                conn.execute(update(Head).where(Head.id == 1).values(**values))
        return Entry(**row)

    # -- reading ---------------------------------------------------------------------------------------------

    def entries(self, *, name: str | None = None, model: str | None = None, since: datetime | None = None) -> list[Any]:
        from sqlalchemy import select

        query = select(Entry).order_by(Entry.seq)
        if name is not None:
            query = query.where(Entry.name == name)
        if model is not None:
            query = query.where(Entry.audit_id.in_(select(ResultRow.audit_id).where(ResultRow.model == model)))
        with self._connect() as conn:
            found = list(conn.execute(query))
        if since is not None:
            found = [e for e in found if datetime.fromisoformat(e.as_of) >= since]
        return found

    def recent(self, name: str, limit: int) -> list[Any]:
        """The newest ``limit`` entries of the config named ``name``, oldest first."""
        from sqlalchemy import select

        query = select(Entry).where(Entry.name == name).order_by(Entry.seq.desc()).limit(limit)
        with self._connect() as conn:
            return list(reversed(list(conn.execute(query))))

    def get(self, audit_id: str) -> Any:
        from sqlalchemy import select

        with self._connect() as conn:
            found = conn.execute(select(Entry).where(Entry.audit_id.startswith(audit_id))).all()
        if len(found) != 1:
            what = "no audit" if not found else f"{len(found)} audits"
            raise HistoryError(f"history {self.shown}: {what} with id {audit_id!r}")
        return found[0]

    # -- verifying -------------------------------------------------------------------------------------------

    def verify(self, public_key: Any = None) -> Verification:
        """Walk the chain from the first entry; the first problem found names the entry."""
        from sqlalchemy import select

        from ailm.signing.keys import key_id, verify

        with self._connect() as conn:
            entries = list(conn.execute(select(Entry).order_by(Entry.seq)))
            results = list(conn.execute(select(ResultRow)))
            head = conn.execute(select(Head).where(Head.id == 1)).first()
        out = Verification(entries=len(entries))
        by_audit: dict[str, set[tuple[str, str, str, str]]] = {}
        for r in results:
            by_audit.setdefault(r.audit_id, set()).add((r.subject, r.control, r.status, r.severity))
        prev, expected_seq = "", 1
        for e in entries:
            where = f"entry {e.seq} (audit {e.audit_id})"
            if e.seq != expected_seq:
                out.problems.append(f"entry {expected_seq} is missing (the next is {e.seq}): deleted")
                return out
            if e.prev_sha256 != prev:
                out.problems.append(
                    f"{where} does not follow entry {e.seq - 1}: entries were deleted, reordered or inserted"
                )
                return out
            if sha256_bytes(e.content.encode("utf-8")) != e.content_sha256 or e.entry_sha256 != sha256_json(
                {"seq": e.seq, "content_sha256": e.content_sha256, "prev": prev}
            ):
                out.problems.append(f"{where} was changed: its content no longer hashes to its digest")
                return out
            try:
                content = json.loads(e.content)
            except ValueError:
                out.problems.append(f"{where} was changed: its content is not JSON")
                return out
            gate = content.get("gate", {})
            copies = {
                "audit_id": content.get("audit_id"), "name": content.get("name"), "as_of": content.get("as_of"),
                "policy_sha256": content.get("policy_sha256"), "evidence_sha256": content.get("evidence_sha256"),
                "verdict": gate.get("verdict"), "exit_code": gate.get("exit_code"),
                "ailm_version": content.get("ailm_version"), "evaluator": content.get("evaluator"),
            }  # fmt: skip
            changed = sorted(k for k, v in copies.items() if getattr(e, k) != v)
            rows = {(r["subject"], r["control"], r["status"], r["severity"]) for r in content.get("results", [])}
            if changed or by_audit.get(e.audit_id, set()) != rows:
                what = ", ".join(changed) if changed else "its per-control results"
                out.problems.append(f"{where} was changed: {what} no longer agree with its hashed content")
                return out
            prev, expected_seq = e.entry_sha256, e.seq + 1
        known = {e.audit_id for e in entries}
        orphans = sorted(set(by_audit) - known)
        if orphans:
            out.problems.append(f"results of audit {orphans[0]} have no entry: its entry was deleted")
            return out
        if head is None:
            if entries:
                out.problems.append("the chain has entries but no head: the head was deleted")
            return out
        if not entries or (head.seq, head.entry_sha256) != (entries[-1].seq, entries[-1].entry_sha256):
            last = entries[-1].seq if entries else 0
            out.problems.append(
                f"the head names entry {head.seq}, the chain ends at entry {last}: the newest entries were deleted"
                if head.seq > last
                else f"the head names entry {head.seq} but the chain goes on to {last}: entries were appended "
                "without the key, or the head was rewritten"
            )
            return out
        if public_key is not None:
            if not head.signature:
                out.problems.append("the head is not signed, and a key was given to check it with")
                return out
            try:
                holds = verify(public_key, base64.b64decode(head.signature), head_message(head.seq, head.entry_sha256))
            except ValueError:
                holds = False
            if not holds:
                out.problems.append(f"the head's signature does not verify with key {key_id(public_key)[:16]}")
                return out
            out.signature = f"valid, key {head.key_id[:16]}"
        else:
            out.signature = f"not checked (signed by key {head.key_id[:16]})" if head.signature else "unsigned"
        return out
