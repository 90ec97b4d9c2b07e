"""Witnesses of a history: what someone saw in it earlier, kept outside it, so that a rolled-back or wiped
history is told from the real one (as a Certificate Transparency client keeps the last tree head it saw).

Two kinds, both read by ``ailm history verify --witness`` and ``ailm audit --witness``:
- an audit's attestation (its folder, or ``attestation.dsse.json``): a signed audit that records into a history
  names the entry it appended after (``predicate.history``), and the history must hold that entry and, after
  it, an entry recording this attestation;
- a head file (``ailm.history-head/v1``), written by ``ailm audit --witness FILE`` after every record: the
  newest entry's number and digest, signed by the audit key.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any, TypeGuard

from ailm.canonical import loads_unique, sha256_bytes
from ailm.history.chain import Position, signed_by

HEAD_SCHEMA = "ailm.history-head/v1"


def witness_message(seq: int, entry_sha256: str) -> bytes:
    """What a head file's signature is over. Not the database head's message: a head file that someone can read
    (an uploaded artifact) must not be copied into the head row of a history cut back to it."""
    return f"ailm-history-witness/v1\n{seq}\n{entry_sha256}".encode()


class WitnessError(Exception):
    """A witness that cannot be read or does not hold: the caller turns it into a HistoryError (exit 2)."""


def _int(value: Any) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _sha(value: Any) -> TypeGuard[str]:
    return isinstance(value, str) and len(value) == 64 and all(c in "0123456789abcdef" for c in value)


def read(path: Path, trusted: list[Any] | None) -> Position:
    """The position a witness names; with ``trusted`` keys its signature must verify with one of them."""
    from ailm.signing import ATTESTATION_NAME, dsse

    file = path / ATTESTATION_NAME if path.is_dir() else path
    try:
        raw = file.read_bytes()
        doc = loads_unique(raw)
    except OSError as exc:
        raise WitnessError(f"witness {file}: cannot read it: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise WitnessError(f"witness {file}: not JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise WitnessError(f"witness {file}: neither an attestation nor a history head file")
    if doc.get("schema") == HEAD_SCHEMA:
        seq, sha = doc.get("seq"), doc.get("entry_sha256")
        if not _int(seq) or not _sha(sha):
            raise WitnessError(f"witness {file}: seq must be a whole number and entry_sha256 64 hex characters")
        if trusted is not None:
            sig = doc.get("signature")
            if not isinstance(sig, str) or not sig or signed_by(sig, witness_message(seq, sha), trusted) is None:
                raise WitnessError(f"witness {file}: its signature does not verify with a trusted key")
        return Position(seq, sha, f"witness {file}")
    if "payloadType" in doc:
        try:
            if trusted is not None:
                payload, _ = dsse.verify_any(doc, trusted)
            else:
                payload = base64.b64decode(doc.get("payload", ""), validate=True)
            stmt = loads_unique(payload)
        except (ValueError, dsse.EnvelopeError) as exc:
            raise WitnessError(f"witness {file}: {exc}") from None
        predicate = stmt.get("predicate") if isinstance(stmt, dict) else None
        history = predicate.get("history") if isinstance(predicate, dict) else None
        after = history.get("after") if isinstance(history, dict) else None
        if not isinstance(after, dict):
            raise WitnessError(
                f"witness {file}: the attestation records no history position (an audit recorded with --no-history, "
                "or by an ailm from before attestations named it)"
            )
        seq, sha = after.get("seq"), after.get("entry_sha256")
        if not _int(seq) or not isinstance(sha, str) or not (_sha(sha) or (seq == 0 and sha == "")):
            raise WitnessError(f"witness {file}: predicate.history.after must name an entry (seq, entry_sha256)")
        return Position(seq, sha, f"witness {file}", attestation=sha256_bytes(raw))
    raise WitnessError(f"witness {file}: neither an attestation nor a history head file ({HEAD_SCHEMA})")


def head_file(seq: int, entry_sha256: str, key: Any) -> bytes:
    """A head file for ``ailm audit --witness``: the newest entry, signed by the audit key when there is one."""
    from ailm.signing.keys import key_id, sign

    doc: dict[str, Any] = {"schema": HEAD_SCHEMA, "seq": seq, "entry_sha256": entry_sha256}
    if key is not None:
        doc["signer"] = key_id(key.public_key())
        doc["signature"] = base64.b64encode(sign(key, witness_message(seq, entry_sha256))).decode("ascii")
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


def keep_head(path: Path, seq: int, entry_sha256: str, key: Any) -> bool:
    """Rewrite the head file with entry ``seq``, unless it already names a later one: two audits that overlap
    must not move the witness back (the later-recorded entry would then be lost to a rollback unseen). One
    writer at a time (a lock beside the file). True when written."""
    import fcntl
    import os

    from ailm.fsutil import write_atomic

    fd = os.open(path.parent / f".{path.name}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        if path.exists():
            try:
                doc = loads_unique(path.read_bytes())
            except ValueError:
                doc = None
            held = doc.get("seq") if isinstance(doc, dict) else None
            if _int(held) and held > seq:
                return False
        write_atomic(path, head_file(seq, entry_sha256, key))
        return True
    finally:
        os.close(fd)
