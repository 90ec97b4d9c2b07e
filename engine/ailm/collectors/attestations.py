"""In-toto attestations given as evidence (a pipeline's provenance, a signed evaluation result), verified.

Settings: ``path`` (a DSSE envelope file, or a folder of ``*.json`` / ``*.jsonl`` envelopes), ``trusted_keys``
(PEM public keys, ECDSA P-256 or Ed25519; several, for rotation) and ``model`` (the registered model the
statements are about). Each envelope becomes one record (role ``attestation``): whether it verifies with a
trusted key (which), its payload type, and, only when it verifies, the statement's predicate type, subjects
and predicate. An unsigned statement, an envelope whose signature verifies with no trusted key, or a payload
that is not an in-toto Statement v1 is recorded as not verified with the reason, and its content is left out,
so nothing can read it as if it were valid (DEV-009 fails on it). A file that is not JSON stops the audit
(exit 2) naming the file and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ailm.canonical import loads_unique, sha256_bytes
from ailm.collectors.base import CollectContext, Collection, files_at
from ailm.collectors.cache import content_fingerprint
from ailm.errors import AilmError, CollectorError
from ailm.evidence import ids
from ailm.evidence.model import Evidence, Node, Source
from ailm.plugins import Plugin

COLLECTOR = "attestations"
ROLE = "attestation"
STATEMENT = "https://in-toto.io/Statement/v1"
PAYLOAD_TYPE = "application/vnd.in-toto+json"


class AttestationsCollector:
    def __init__(self, *, path: str, trusted_keys: list[str], model: str) -> None:
        self.path = path
        self.trusted_keys = trusted_keys
        self.model = model

    def files(self, ctx: CollectContext) -> list[Path]:
        return files_at(
            (ctx.base_dir / self.path).resolve(),
            match=lambda p: p.suffix in (".json", ".jsonl"),
            empty="no attestation (*.json, *.jsonl) in the folder",
            missing="no such attestation file or folder",
            recursive=True,
        )

    def key_files(self, ctx: CollectContext) -> list[Path]:
        return [(ctx.base_dir / k).resolve() for k in self.trusted_keys]

    def fingerprint(self, ctx: CollectContext) -> str:
        return content_fingerprint([*self.files(ctx), *self.key_files(ctx)])

    def collect(self, ctx: CollectContext) -> Collection:
        from ailm.signing.keys import load_keyring

        try:
            keys = load_keyring(self.key_files(ctx))
        except AilmError as exc:
            raise CollectorError(f"attestations.trusted_keys: {exc.message}") from None
        node = ids.model(self.model)
        out = Collection(nodes=[Node(id=node, type="model", attrs={"name": self.model})])
        for path in self.files(ctx):
            for line_no, envelope in _envelopes(path):
                where = f"{path.name}:{line_no}" if path.suffix == ".jsonl" else path.name
                data = check(envelope, keys)
                out.records.append(
                    Evidence.make(
                        kind="intoto.attestation",
                        id=f"attestation:{self.model}:{where}",
                        role=ROLE,
                        subject=node,
                        source=Source(collector=COLLECTOR, uri=path.as_uri()),
                        data={"file": where, **data},
                    )
                )
        return out


def _envelopes(path: Path) -> list[tuple[int, Any]]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CollectorError(f"{path}: cannot read: {exc}") from None
    chunks = [(i, line) for i, line in enumerate(text.splitlines(), 1) if line.strip()] if path.suffix == ".jsonl" \
        else [(1, text)]  # fmt: skip
    out = []
    for line_no, chunk in chunks:
        try:
            out.append((line_no, loads_unique(chunk)))
        except ValueError as exc:
            at = line_no + getattr(exc, "lineno", 1) - 1
            raise CollectorError(f"{path}:{at}: not JSON: {exc}") from None
    return out


def check(envelope: Any, keys: list[Any]) -> dict[str, Any]:
    """What an envelope proves: verified (with which key) and its statement, or not verified and why."""
    from ailm.signing import dsse
    from ailm.signing.keys import key_id

    out: dict[str, Any] = dict.fromkeys(("key_id", "problem", "payload_type", "predicate_type", "predicate",
                                         "statement_sha256"))  # fmt: skip
    out.update(verified=False, subjects=[])
    if isinstance(envelope, dict) and "_type" in envelope and "payload" not in envelope:
        out["problem"] = "an unsigned in-toto statement (no DSSE envelope): not used"
        return out
    if not isinstance(envelope, dict):
        out["problem"] = f"not a DSSE envelope (a JSON {type(envelope).__name__})"
        return out
    out["payload_type"] = envelope.get("payloadType")
    try:
        payload, key = dsse.verify_any(envelope, keys, payload_type=PAYLOAD_TYPE)
    except dsse.EnvelopeError as exc:
        out["problem"] = f"the envelope does not verify: {exc}; not used"
        return out
    try:
        stmt = loads_unique(payload)
    except ValueError:
        stmt = None
    if not isinstance(stmt, dict) or stmt.get("_type") != STATEMENT:
        out["problem"] = "the signed payload is not an in-toto Statement v1; not used"
        return out
    subjects = stmt.get("subject")
    if not isinstance(subjects, list) or not subjects or not all(_subject(s) for s in subjects):
        out["problem"] = "the statement's subjects are not a list of {name, digest}; not used"
        return out
    out.update(
        verified=True,
        key_id=key_id(key),
        payload_type=PAYLOAD_TYPE,
        predicate_type=stmt.get("predicateType"),
        subjects=subjects,
        predicate=stmt.get("predicate"),
        statement_sha256=sha256_bytes(payload),
    )
    return out


def _subject(s: Any) -> bool:
    return isinstance(s, dict) and isinstance(s.get("digest"), dict) and bool(s["digest"])


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="a DSSE envelope file, or a folder of *.json / *.jsonl envelopes")
    trusted_keys: list[str] = Field(min_length=1, description="PEM public keys the attestations must be signed by")
    model: str = Field(min_length=1, description="the registered model the attestations are about")


plugin = Plugin(
    kind="collector",
    name="attestations",
    summary="in-toto attestations (DSSE envelopes): provenance, signed evaluation results; verified against keys",
    settings=Settings,
    build=lambda s: AttestationsCollector(path=s.path, trusted_keys=s.trusted_keys, model=s.model),
    roles={ROLE: "many"},
)
