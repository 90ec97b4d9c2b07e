"""Checking a history: the chain, who signed each entry, and what a witness saw.

:func:`check` works on rows already read (in the transaction that will append, or by a reader), so that an
audit appends only to the chain it checked, and every reader checks what it is about to show.

What each part proves (docs/history.md): the chain, that no entry was changed, deleted, reordered or
inserted after the entries that follow it were written; each entry's signature, that a holder of a trusted
key recorded it (an entry appended without the key is named); the witness, that the history still holds
what someone saw earlier (a restored older copy, a dropped tail or a wiped table is named). None of them
stops a holder of the signing key from writing a whole new history: the witness makes that visible to
whoever kept it.
"""

from __future__ import annotations

import base64
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

from ailm.canonical import sha256_bytes, sha256_json

# the columns that place an entry in the chain and say who signed it: an entry whose values are ones this
# process has already checked whole (content, copies, rows, signature) is not checked again before an append
LIGHT = ("seq", "audit_id", "prev_sha256", "content_sha256", "entry_sha256", "signer", "signature")


def light(entry: Any) -> tuple[Any, ...]:
    return tuple(getattr(entry, c) for c in LIGHT)


def head_message(seq: int, entry_sha256: str) -> bytes:
    """What the head's signature is over: the newest entry's place in the chain and its digest."""
    return f"ailm-history-head/v1\n{seq}\n{entry_sha256}".encode()


def entry_message(seq: int, entry_sha256: str) -> bytes:
    """What an entry's own signature is over. Not the head's message: an entry's signature copied into the head
    row must not make a history with its newest entries dropped pass for complete."""
    return f"ailm-history-entry/v1\n{seq}\n{entry_sha256}".encode()


def model_of(subject: str, names: dict[Any, Any]) -> str:
    return names.get(subject) or subject.split(":", 1)[-1].rsplit("/", 1)[0]


@dataclass(frozen=True)
class Position:
    """An entry that someone saw in the history: a later history must still hold it, unchanged. ``attestation``:
    the digest of an attestation that must be recorded after it (the audit that saw this position)."""

    seq: int
    entry_sha256: str
    source: str
    attestation: str | None = None


@dataclass
class Verification:
    entries: int
    problems: list[str] = field(default_factory=list)
    signature: str = "not checked"
    unsigned: list[int] = field(default_factory=list)
    last: tuple[int, str] | None = None  # (seq, entry_sha256) of the newest entry
    witnessed: list[str] = field(default_factory=list)
    checked: set[tuple[Any, ...]] = field(default_factory=set)  # light() of every entry that holds

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        parts = [f"{self.entries} entries, chain intact", f"signatures {self.signature}"]
        parts.extend(self.witnessed)
        return "; ".join(parts)


def _ranges(seqs: Sequence[int]) -> str:
    out: list[str] = []
    start = prev = seqs[0]
    for s in [*seqs[1:], None]:
        if s is not None and s == prev + 1:
            prev = s
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if s is not None:
            start = prev = s
    return ", ".join(out)


def signed_by(signature: str, message: bytes, trusted: Iterable[Any]) -> Any:
    from ailm.signing.keys import verify

    try:
        raw = base64.b64decode(signature, validate=True)
    except ValueError:
        return None
    for key in trusted:
        try:
            if verify(key, raw, message):
                return key
        except ValueError:
            continue
    return None


def _place_problem(e: Any, prev: str, expected_seq: int) -> str | None:
    if e.seq != expected_seq:
        return f"entry {expected_seq} is missing (the next is {e.seq}): deleted"
    if e.prev_sha256 != prev:
        return (
            f"entry {e.seq} (audit {e.audit_id}) does not follow entry {e.seq - 1}: entries were deleted, "
            "reordered or inserted"
        )
    return None


def _entry_problem(e: Any, prev: str, expected_seq: int, rows: set[tuple[str, ...]]) -> str | None:
    where = f"entry {e.seq} (audit {e.audit_id})"
    placed = _place_problem(e, prev, expected_seq)
    if placed:
        return placed
    if sha256_bytes(e.content.encode("utf-8")) != e.content_sha256 or e.entry_sha256 != sha256_json(
        {"seq": e.seq, "content_sha256": e.content_sha256, "prev": prev}
    ):
        return f"{where} was changed: its content no longer hashes to its digest"
    try:
        content = orjson.loads(e.content)
    except orjson.JSONDecodeError:
        return f"{where} was changed: its content is not JSON"
    if not isinstance(content, dict):
        return f"{where} was changed: its content is not an entry"
    raw_gate = content.get("gate")
    gate: dict[str, Any] = raw_gate if isinstance(raw_gate, dict) else {}
    copies = {
        "audit_id": content.get("audit_id"), "name": content.get("name"), "as_of": content.get("as_of"),
        "policy_sha256": content.get("policy_sha256"), "evidence_sha256": content.get("evidence_sha256"),
        "verdict": gate.get("verdict"), "exit_code": gate.get("exit_code"),
        "ailm_version": content.get("ailm_version"), "evaluator": content.get("evaluator"),
    }  # fmt: skip
    if "recorded_at" in content:  # entries from before it was hashed cannot be checked for it
        copies["recorded_at"] = content["recorded_at"]
    changed = sorted(k for k, v in copies.items() if getattr(e, k) != v)
    names = {s.get("id"): s.get("name") for s in content.get("subjects") or [] if isinstance(s, dict)}
    expected = {
        (r["subject"], model_of(r["subject"], names), r["control"], r["status"], r["severity"])
        for r in content.get("results") or []
        if isinstance(r, dict)
    }
    if changed or rows != expected:
        what = ", ".join(changed) if changed else "its per-control results"
        return f"{where} was changed: {what} no longer agree with its hashed content"
    return None


def check(entries: Sequence[Any], results: Iterable[Any], head: Any, **kw: Any) -> Verification:
    """:func:`_check`; a row that holds a value of the wrong type (NULL, text where a number goes: the history was
    written by hand) is a problem named as such, never an internal error and never a pass."""
    try:
        return _check(entries, results, head, **kw)
    except (TypeError, AttributeError, ValueError, KeyError, IndexError) as exc:
        out = Verification(entries=len(entries))
        out.problems.append(
            f"its rows hold a value of the wrong type ({type(exc).__name__}: {exc}): the history was written by hand"
        )
        return out


def _check(
    entries: Sequence[Any],
    results: Iterable[Any],
    head: Any,
    *,
    trusted: Sequence[Any] | None = None,
    witnesses: Sequence[Position] = (),
    empty_ok: bool = False,
    known: Collection[tuple[Any, ...]] = frozenset(),
    result_audits: Collection[str] | None = None,
) -> Verification:
    """Walk the chain from the first entry; every problem names the entry. ``trusted``: the public keys whose
    signatures count (None: signatures are not checked, but an unsigned entry after signed ones is named).
    ``empty_ok``: a history with no entry and no head is fine (to append to or read from, not to verify as
    complete: with a key, nothing vouches for an empty history). ``known``: light() of entries already checked
    whole with the same ``trusted`` keys (their place in the chain is still checked, and an entry whose columns
    moved is checked whole again; ``results`` need hold only the other entries' rows, and ``result_audits``
    every audit id the rows name)."""
    from ailm.signing.keys import key_id

    out = Verification(entries=len(entries))
    by_audit: dict[str, set[tuple[str, ...]]] = {}
    for r in results:  # (audit_id, subject, model, control, status, severity)
        by_audit.setdefault(r[0], set()).add(tuple(r[1:]))
    prev, expected_seq = "", 1
    foreign: list[str] = []
    for e in entries:
        mine = light(e)
        if mine in known:  # checked whole already: only its place in the chain
            problem = _place_problem(e, prev, expected_seq)
        else:
            problem = _entry_problem(e, prev, expected_seq, by_audit.get(e.audit_id, set()))
        if problem:
            out.problems.append(problem)
            return out
        if not e.signature:
            out.unsigned.append(e.seq)
        elif (
            mine not in known
            and trusted is not None
            and signed_by(e.signature, entry_message(e.seq, e.entry_sha256), trusted) is None
        ):
            foreign.append(f"entry {e.seq} (audit {e.audit_id}, key {e.signer[:16] or '?'})")
        else:
            out.checked.add(mine)
        prev, expected_seq = e.entry_sha256, e.seq + 1
    audits = set(by_audit) if result_audits is None else set(result_audits)
    orphans = sorted(audits - {e.audit_id for e in entries})
    if orphans:
        out.problems.append(f"results of audit {orphans[0]} have no entry: its entry was deleted")
        return out
    out.last = (entries[-1].seq, entries[-1].entry_sha256) if entries else None
    if head is None and entries:
        out.problems.append("the chain has entries but no head: the head was deleted")
        return out
    if head is not None and (out.last is None or (head.seq, head.entry_sha256) != out.last):
        last = out.last[0] if out.last else 0
        out.problems.append(
            f"the head names entry {head.seq}, the chain ends at entry {last}: the newest entries were deleted"
            if head.seq > last
            else f"the head names entry {head.seq} but the chain goes on to {last}: entries were appended "
            "without the key, or the head was rewritten"
        )
        return out
    if trusted is not None:
        if out.unsigned:
            out.problems.append(
                f"entries {_ranges(out.unsigned)} are not signed: no trusted key vouches for them (recorded by an "
                "audit without a key, or by an ailm from before entries were signed)"
            )
        if foreign:
            out.problems.append(
                f"{foreign[0]} is not signed by a trusted key"
                + (f" (and {len(foreign) - 1} more entries)" if len(foreign) > 1 else "")
                + f"; trusted: {', '.join(key_id(k)[:16] for k in trusted)}"
            )
        if head is None:
            if not empty_ok:  # (a head missing beside entries was named above)
                out.problems.append(
                    "the history is empty: nothing vouches that it is complete (a wiped history looks the same; "
                    "--witness tells them apart)"
                )
        elif not head.signature:
            out.problems.append("the head is not signed, and a key was given to check it with")
        elif signed_by(head.signature, head_message(head.seq, head.entry_sha256), trusted) is None:
            out.problems.append(f"the head's signature does not verify with key {key_id(trusted[0])[:16]}")
        if out.ok:
            shown = ", ".join(key_id(k)[:16] for k in trusted)
            out.signature = f"valid on every entry and the head, key {shown}" if head else "none to check"
    else:
        signed = [e for e in entries if e.signature]
        late = [s for s in out.unsigned if signed and s > signed[0].seq]
        if late:
            out.problems.append(
                f"entries {_ranges(late)} are not signed, but entry {signed[0].seq} before them is: they were "
                "appended without the key"
            )
        keys = sorted({str(e.signer)[:16] for e in signed})
        out.signature = (
            f"not checked (the rows name key {', '.join(keys)}; --key checks them)" if signed and not out.unsigned
            else "unsigned" if not signed
            else f"not checked ({len(signed)} signed, {len(out.unsigned)} unsigned)"
        )  # fmt: skip
    _witness(entries, witnesses, out)
    return out


def _witness(entries: Sequence[Any], witnesses: Sequence[Position], out: Verification) -> None:
    by_seq = {e.seq: e for e in entries}
    for w in witnesses:
        seen = by_seq.get(w.seq)
        last = out.last[0] if out.last else 0
        if w.seq > 0 and seen is None:
            out.problems.append(
                f"{w.source} saw entry {w.seq}, the history ends at entry {last}: it was rolled back or wiped"
            )
            continue
        if seen is not None and seen.entry_sha256 != w.entry_sha256:
            out.problems.append(f"{w.source} saw another entry {w.seq}: the history was rewritten from there on")
            continue
        if w.attestation is not None:
            mine = [e for e in entries if e.seq > w.seq and _attestation_of(e) == w.attestation]
            if not mine:
                out.problems.append(
                    f"{w.source}: the audit it attests is not in the history after entry {w.seq}: the history was "
                    "rolled back past it, or that audit was never recorded in this history"
                )
                continue
            out.witnessed.append(f"{w.source}: recorded as entry {mine[0].seq}")
        else:
            out.witnessed.append(f"{w.source}: entry {w.seq} is in the history, unchanged")


def _attestation_of(entry: Any) -> str | None:
    try:
        content = orjson.loads(entry.content)
    except (AttributeError, orjson.JSONDecodeError):
        return None
    found = content.get("attestation_sha256") if isinstance(content, dict) else None
    return found if isinstance(found, str) else None
