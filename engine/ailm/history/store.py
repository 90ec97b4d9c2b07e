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
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path
from typing import Any

from ailm.canonical import canonical_json, sha256_bytes, sha256_json
from ailm.errors import AilmError
from ailm.evidence.model import EvidenceSet
from ailm.history.chain import LIGHT, Position, Verification, check, entry_message, head_message, light, model_of
from ailm.history.models import Entry, Head, ResultRow
from ailm.redact import redact
from ailm.result import AuditResult

ENTRY_SCHEMA = "ailm.history/v1"
VERSION_TABLE = "ailm_history_version"
HEAD_REVISION = "0002"  # the newest migration's revision; a test holds it to Alembic's head
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


_model_of = model_of  # the name the tests patch to fail a write half-way


def _rows_query() -> Any:
    from sqlalchemy import select

    r = ResultRow
    return select(r.audit_id, r.subject, r.model, r.control, r.status, r.severity)  # as chain.check reads them


_ROWS = _rows_query()


class History:
    def __init__(self, url: str) -> None:
        from sqlalchemy import create_engine, event
        from sqlalchemy.pool import NullPool

        self.url = url
        self.shown = redact(url)
        self.trusted: list[Any] | None = None  # the keys readers check signatures with (None: the chain only)
        # what this process checked whole, with which keys: an append checks those entries' place only, and the
        # audit reads the previous audits from the snapshot it checked before any work
        self._known: tuple[tuple[str, ...] | None, frozenset[tuple[Any, ...]]] = (None, frozenset())
        self._snapshot: list[Any] | None = None
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
    def open(cls, url: str, *, write: bool = True, trusted: list[Any] | None = None) -> History:
        """Connect and, to write, bring the schema to this ailm's revision (creating it in an empty database).
        To read, the history must exist and be at this ailm's revision: reading never changes it. ``trusted``:
        public keys every reader holds each entry's signature to (None: readers check the chain only)."""
        history = cls(url)
        history.trusted = trusted
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
        from alembic.util import CommandError

        with _MIGRATING:  # Alembic's command context is module-global: one migration at a time in a process
            try:
                self._migrate_locked(write=write)
            except CommandError as exc:  # e.g. two rows in the version table: written by hand
                raise HistoryError(f"history {self.shown}: its schema version cannot be read: {exc}") from None

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
        self,
        result: AuditResult,
        evidence: EvidenceSet,
        *,
        attestation_sha256: str | None = None,
        key: Any = None,
        witnesses: Sequence[Position] = (),
        out: str | None = None,
    ) -> Entry:
        """Append the audit in one transaction (a killed audit leaves no half entry), and only to a history that
        holds in the same transaction: the whole chain walked, every entry and the head signed by this audit's
        key (``key``; without one, a signed history is refused), every witness's entry still in it. Two audits
        that append at once cannot fork the chain (sequence and previous digest are unique): the one that loses
        tries again on the new head. ``out``: the folder the audit publishes to, kept in the entry so that the
        next audit there can tell a report that was recorded but never published."""
        for attempt in range(5):
            try:
                return self._append(result, evidence, attestation_sha256, key, witnesses, out)
            except HistoryError as exc:
                if not exc.conflict or attempt == 4:
                    raise
        raise AssertionError("unreachable")

    def _load(self, conn: Any, *, lock: bool = False, known: frozenset[tuple[Any, ...]] = frozenset()) -> tuple[
        list[Any], list[Any], Any, set[str] | None
    ]:  # fmt: skip
        """Entries, result rows and head; with ``known``, whole rows only for the entries not in it (and the
        audit ids every result row names, for the orphan check)."""
        from sqlalchemy import select

        query = select(Head).where(Head.id == 1)
        # the head row first, locked (PostgreSQL; SQLite's BEGIN IMMEDIATE locks the file): one writer at a time
        head = conn.execute(query.with_for_update() if lock else query).first()
        if not known:
            entries = list(conn.execute(select(Entry).order_by(Entry.seq)))
            return entries, conn.execute(_ROWS).all(), head, None
        entries = list(conn.execute(select(*(getattr(Entry, c) for c in LIGHT)).order_by(Entry.seq)))
        other = {e.seq for e in entries if light(e) not in known}
        if other:
            whole = {e.seq: e for e in conn.execute(select(Entry).where(Entry.seq.in_(other)))}
            entries = [whole.get(e.seq, e) for e in entries]
        audits = [e.audit_id for e in entries if e.seq in other]
        results = conn.execute(_ROWS.where(ResultRow.audit_id.in_(audits))).all() if audits else []
        named = {r[0] for r in conn.execute(select(ResultRow.audit_id).distinct())}
        return entries, results, head, named

    def refuse(self, verification: Verification, *, conflict: bool = False) -> HistoryError:
        error = HistoryError(
            f"history {self.shown} does not hold: {verification.problems[0]}; nothing is appended to it and "
            "nothing read from it is used (`ailm history verify` says more)"
        )
        error.conflict = conflict
        return error

    def check_for(self, key: Any, entries: list[Any], results: list[Any], head: Any,
                  witnesses: Sequence[Position] = (), *, known: frozenset[tuple[Any, ...]] = frozenset(),
                  result_audits: set[str] | None = None) -> Verification:  # fmt: skip
        """What an audit signing with ``key`` (or with none) may append to: a history its key vouches for whole,
        or (unsigned) one that no key signed."""
        trusted = [key.public_key()] if key is not None else None
        found = check(entries, results, head, trusted=trusted, witnesses=witnesses, empty_ok=True, known=known,
                      result_audits=result_audits)  # fmt: skip
        if key is None and found.ok:
            signed = next((e for e in entries if e.signature), None)
            if signed is not None or (head is not None and head.signature):
                who = (
                    f"entry {signed.seq} by key {signed.signer[:16]}" if signed else f"its head, key {head.key_id[:16]}"
                )
                found.problems.append(
                    f"it is signed ({who}): an audit without the signing key cannot append to it; sign with "
                    "--key, or record elsewhere (--history) or not at all (--no-history)"
                )
        return found

    @staticmethod
    def _keys_of(key: Any) -> tuple[str, ...] | None:
        from ailm.signing.keys import key_id

        return (key_id(key.public_key()),) if key is not None else None

    def preflight(self, key: Any, witnesses: Sequence[Position] = ()) -> Verification:
        """Check, before an audit does any work, that it may append: the same check as the write's, whole. The
        entries it checked are what the audit reads the previous audits from (:meth:`recent`)."""
        with self._connect() as conn:
            entries, results, head, _ = self._load(conn)
        found = self.check_for(key, entries, results, head, witnesses)
        if not found.ok:
            raise self.refuse(found)
        self.trusted = [key.public_key()] if key is not None else None
        self._known = (self._keys_of(key), frozenset(found.checked))
        self._snapshot = entries
        return found

    def _append(
        self, result: AuditResult, evidence: EvidenceSet, attestation_sha256: str | None, key: Any,
        witnesses: Sequence[Position], out: str | None,
    ) -> Entry:  # fmt: skip
        from sqlalchemy import insert, update

        from ailm.signing.keys import key_id, sign

        content = entry_content(result, evidence, attestation_sha256)
        recorded_at = datetime.now(UTC).isoformat()
        content["recorded_at"] = recorded_at
        if out is not None:
            content["out"] = out
        text = canonical_json(content).decode("utf-8")
        content_sha = sha256_bytes(text.encode("utf-8"))
        names = {s.id: s.name for s in result.subjects}
        keys, known = self._known
        known = known if keys == self._keys_of(key) else frozenset()
        with self._connect() as conn:
            entries, results, head, named = self._load(conn, lock=True, known=known)
            found = self.check_for(key, entries, results, head, witnesses, known=known, result_audits=named)
            if not found.ok:  # or the first entries of two audits crossed: read it again to be sure
                raise self.refuse(found, conflict=head is None and bool(entries))
            last = entries[-1] if entries else None
            seq = (last.seq if last is not None else 0) + 1
            prev = last.entry_sha256 if last is not None else ""
            entry_sha = sha256_json({"seq": seq, "content_sha256": content_sha, "prev": prev})
            signature, head_signature, kid = "", "", ""
            if key is not None:
                signature = base64.b64encode(sign(key, entry_message(seq, entry_sha))).decode("ascii")
                head_signature = base64.b64encode(sign(key, head_message(seq, entry_sha))).decode("ascii")
                kid = key_id(key.public_key())
            row = {
                "seq": seq, "audit_id": result.audit_id, "name": result.name, "as_of": result.as_of.isoformat(),
                "recorded_at": recorded_at, "ailm_version": result.ailm_version,
                "evaluator": result.evaluator, "policy_sha256": result.policy_sha256,
                "evidence_sha256": result.evidence_sha256, "verdict": content["gate"]["verdict"],
                "exit_code": content["gate"]["exit_code"], "content": text, "content_sha256": content_sha,
                "prev_sha256": prev, "entry_sha256": entry_sha, "signer": kid, "signature": signature,
            }  # fmt: skip
            conn.execute(insert(Entry).values(**row))
            rows = [
                {"audit_id": result.audit_id, "subject": r["subject"], "model": _model_of(r["subject"], names),
                 "control": r["control"], "status": r["status"], "severity": r["severity"]}
                for r in content["results"]
            ]  # fmt: skip
            if rows:
                conn.execute(insert(ResultRow), rows)
            values = {"seq": seq, "entry_sha256": entry_sha, "key_id": kid, "signature": head_signature}
            if head is None:
                conn.execute(insert(Head).values(id=1, **values))
            else:
                conn.execute(update(Head).where(Head.id == 1).values(**values))
        entry = Entry(**row)
        if keys == self._keys_of(key):  # checked whole: it was just written from what this process decided
            self._known = (keys, frozenset({*found.checked, light(entry)}))
        return entry

    # -- reading: every reader checks the chain first, and stops on one that does not hold ----------------------

    def _checked(self) -> list[Any]:
        with self._connect() as conn:
            entries, results, head, _ = self._load(conn)
        # with a key, an empty history is not shown as an empty past: a wiped one looks the same
        found = check(entries, results, head, trusted=self.trusted, empty_ok=self.trusted is None)
        if not found.ok:
            raise self.refuse(found)
        return entries

    def entries(self, *, name: str | None = None, model: str | None = None, since: datetime | None = None) -> list[Any]:
        found = self._checked()
        if name is not None:
            found = [e for e in found if e.name == name]
        if model is not None:
            found = [e for e in found if model in _models(e)]
        if since is not None:
            found = [e for e in found if datetime.fromisoformat(e.as_of) >= since]
        return found

    def recent(self, name: str, limit: int) -> list[Any]:
        """The newest ``limit`` entries of the config named ``name``, oldest first (after :meth:`preflight`: of
        the history it checked)."""
        entries = self._snapshot if self._snapshot is not None else self._checked()
        return [e for e in entries if e.name == name][-limit:] if limit > 0 else []

    def get(self, audit_id: str) -> Any:
        found = [e for e in self._checked() if e.audit_id.startswith(audit_id)] if audit_id else []
        if len(found) != 1:
            what = "no audit" if not found else f"{len(found)} audits"
            raise HistoryError(f"history {self.shown}: {what} with id {audit_id!r}")
        return found[0]

    # -- verifying -------------------------------------------------------------------------------------------

    def verify(self, public_key: Any = None, *, witnesses: Sequence[Position] = ()) -> Verification:
        """Walk the chain from the first entry; each problem names the entry. ``public_key``: a trusted key (or a
        list of them); with one, every entry and the head must be signed by it. ``witnesses``: positions seen
        earlier, which the history must still hold."""
        with self._connect() as conn:
            entries, results, head, _ = self._load(conn)
        trusted = None if public_key is None else list(public_key) if isinstance(public_key, list) else [public_key]
        return check(entries, results, head, trusted=trusted, witnesses=witnesses)


def _models(entry: Any) -> set[str]:
    """The models an entry's audit judged, from its hashed content (never from a copied column)."""
    content = json.loads(entry.content)
    names = {s.get("id"): s.get("name") for s in content.get("subjects") or [] if isinstance(s, dict)}
    return {model_of(r["subject"], names) for r in content.get("results") or [] if isinstance(r, dict)}
