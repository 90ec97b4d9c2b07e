"""The audit attestation: an in-toto Statement v1 in a DSSE envelope, and its verification.

Subjects are the files of the audit folder by sha256; the predicate holds the result summary, the
digest of the evidence set (recomputable from ``evidence.json``) and the digest of the policy set.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ailm.canonical import canonical_json, loads_unique, sha256_file
from ailm.errors import EXIT_COMPLIANT, EXIT_NO_VERDICT, EXIT_NON_COMPLIANT
from ailm.evidence.model import EvidenceSet
from ailm.signing import dsse
from ailm.signing.keys import PrivateKey, PublicKey, key_id

ATTESTATION_NAME = "attestation.dsse.json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "https://ailm.dev/attestation/audit-result/v1"
EVIDENCE_NAME = "evidence.json"


def statement(digests: dict[str, str], predicate: dict[str, Any]) -> dict[str, Any]:
    """``digests``: the sha256 of each file's bytes, as the audit rendered them (never re-read from disk)."""
    return {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": name, "digest": {"sha256": digest}} for name, digest in sorted(digests.items())],
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }


def attestation(digests: dict[str, str], predicate: dict[str, Any], key: PrivateKey) -> bytes:
    """The DSSE envelope over the in-toto Statement of these files, as the bytes of attestation.dsse.json."""
    payload = canonical_json(statement(digests, predicate))
    envelope = dsse.sign(payload, dsse.IN_TOTO_PAYLOAD_TYPE, key)
    return (json.dumps(envelope, indent=2) + "\n").encode("utf-8")


@dataclass
class Verification:
    """What ``ailm verify`` found. ``exit_code``: 0 all holds, 1 something was changed, 2 cannot tell."""

    checked: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    cannot_tell: str | None = None
    about: dict[str, str] = field(default_factory=dict)  # audit id, as-of, generated, gate, key id

    @property
    def exit_code(self) -> int:
        if self.cannot_tell:
            return EXIT_NO_VERDICT
        return EXIT_NON_COMPLIANT if self.problems else EXIT_COMPLIANT


def verify_folder(folder: Path, key: PublicKey | list[PublicKey]) -> Verification:
    """Check the folder's attestation with a trusted key (or any of several: a keyring)."""
    keys = key if isinstance(key, list) else [key]
    out = Verification()
    path = folder / ATTESTATION_NAME
    if not folder.is_dir():
        out.cannot_tell = f"{folder}: not a folder"
        return out
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        out.cannot_tell = f"{path}: no attestation to verify"
        return out
    except OSError as exc:
        out.cannot_tell = f"{path}: cannot read: {exc}"
        return out
    try:
        payload, key = dsse.verify_any(loads_unique(raw), keys)
        stmt = loads_unique(payload)
    except (ValueError, dsse.EnvelopeError) as exc:
        out.problems.append(f"{path.name}: {exc}")
        return out
    out.checked.append(f"{path.name}: signature verifies")
    out.about["key id"] = key_id(key)
    if not isinstance(stmt, dict) or stmt.get("_type") != STATEMENT_TYPE or stmt.get("predicateType") != PREDICATE_TYPE:
        out.problems.append(f"{path.name}: not an ailm audit statement")
        return out
    subjects = stmt.get("subject") or []
    named = {s.get("name"): s.get("digest", {}).get("sha256") for s in subjects if isinstance(s, dict)}
    for name, digest in sorted(named.items()):
        file = folder / str(name)
        if not isinstance(name, str) or not _inside(name):
            out.problems.append(f"{name!r}: the attestation names a path outside the folder")
            continue
        if not file.is_file():
            out.problems.append(f"{name}: listed in the attestation but missing")
        elif sha256_file(file) != digest:
            out.problems.append(f"{name}: sha256 differs from the attested digest (the file was changed)")
        else:
            out.checked.append(f"{name}: sha256 matches")
    raw_predicate = stmt.get("predicate")
    predicate: dict[str, Any] = raw_predicate if isinstance(raw_predicate, dict) else {}
    for label, key_name in (("audit id", "audit_id"), ("as of", "as_of"), ("generated", "generated_at")):
        out.about[label] = str(predicate.get(key_name))
    raw_gate = predicate.get("gate")
    gate: dict[str, Any] = raw_gate if isinstance(raw_gate, dict) else {}
    out.about["gate"] = f"exit code {gate.get('exit_code')} ({gate.get('verdict')})"
    _check_evidence(folder, named, predicate, out)
    _check_report(folder, predicate, out)
    _check_pdfs(folder, named, predicate, key, out)
    # Anything in the folder that the signature does not cover could be read as part of the audit (an old
    # report.pdf that says "compliant", a report-final.pdf): the folder does not verify.
    covered = set(named) | {ATTESTATION_NAME}
    for extra in _every_file(folder):
        if extra not in covered:
            out.problems.append(f"{extra}: in the folder but not covered by the attestation")
    return out


def _inside(name: str) -> bool:
    parts = name.split("/")
    return "\\" not in name and all(p and p not in (".", "..") for p in parts)


def _every_file(folder: Path) -> list[str]:
    """Every entry below the folder (hidden ones and links too) as a relative path; a folder that holds
    nothing is listed itself, so that nothing at all can sit beside an audit unseen."""
    found = []
    for root, dirs, files in os.walk(folder):
        base = Path(root).relative_to(folder)
        for name in files:
            found.append((base / name).as_posix())
        for name in dirs:
            path = Path(root) / name
            if path.is_symlink() or not any(path.iterdir()):
                found.append((base / name).as_posix() + "/")
    return sorted(found)


def _check_evidence(folder: Path, named: dict[Any, Any], predicate: dict[str, Any], out: Verification) -> None:
    if EVIDENCE_NAME not in named:
        out.problems.append(f"{EVIDENCE_NAME}: not listed in the attestation")
        return
    try:
        evidence = EvidenceSet.model_validate(loads_unique((folder / EVIDENCE_NAME).read_bytes()))
    except (OSError, ValueError) as exc:  # a repeated key, not JSON, not an evidence set (ValidationError)
        out.problems.append(f"{EVIDENCE_NAME}: does not read as an evidence set: {str(exc).splitlines()[0]}")
        return
    altered = [r.id for r in evidence.records if r.content_digest() != r.sha256]
    for rid in altered:
        out.problems.append(f"{EVIDENCE_NAME}: record {rid} does not hash to its sha256")
    if not altered:
        out.checked.append(f"{EVIDENCE_NAME}: all {len(evidence.records)} records hash to their sha256")
    attested = (predicate.get("evidence") or {}).get("sha256")
    if evidence.digest() != attested:
        out.problems.append(f"{EVIDENCE_NAME}: evidence set digest differs from the attested one")
    else:
        out.checked.append(f"evidence set digest {attested[:12]}... matches")


def _check_pdfs(folder: Path, named: dict[Any, Any], predicate: dict[str, Any], key: PublicKey,
                out: Verification) -> None:  # fmt: skip
    """Each PDF the audit signed carries a valid signature over all of it, by the key that signed the attestation."""
    from ailm.signing import pdf as pades

    listed = predicate.get("signed_pdfs")
    if listed is None:
        if any(str(n).endswith(".pdf") for n in named):
            out.notes.append("the PDFs carry no signature of their own (an audit from before PDF signatures)")
        return
    if not isinstance(listed, list) or not all(isinstance(n, str) and n in named for n in listed):
        out.problems.append(f"{ATTESTATION_NAME}: signed_pdfs names files the attestation does not cover")
        return
    for name in listed:
        try:
            data = (folder / name).read_bytes()
        except OSError:
            continue  # reported above as missing
        found = pades.require_signed(name, data, [key])
        out.problems.extend(found.problems)
        out.checked.extend(found.ok)


def _check_report(folder: Path, predicate: dict[str, Any], out: Verification) -> None:
    report = folder / "report.json"
    if not report.is_file():
        return
    try:
        doc = loads_unique(report.read_bytes())
    except ValueError as exc:  # a repeated key too: two readers of a signed file must not read two results
        out.problems.append(f"report.json: not valid JSON: {exc}")
        return
    if not isinstance(doc, dict):
        out.problems.append("report.json: not an audit result")
        return
    for key, attested in (
        ("audit_id", predicate.get("audit_id")),
        ("result_sha256", predicate.get("result_sha256")),
        ("gate", predicate.get("gate")),
        ("evidence_sha256", (predicate.get("evidence") or {}).get("sha256")),
        ("policy_sha256", (predicate.get("policies") or {}).get("sha256")),
    ):
        if doc.get(key) != attested:
            out.problems.append(f"report.json: {key} differs from the attestation")
    _check_result_digest(doc, out)


def _check_result_digest(doc: dict[str, Any], out: Verification) -> None:
    """report.json's results re-derive the digest it names (and the attestation signs)."""

    from ailm.result import AuditResult

    if "result_sha256" not in doc:
        return  # an audit from before result digests: its file digest is what holds it
    try:
        result = AuditResult.from_report(doc)
    except ValidationError as exc:
        out.problems.append(f"report.json: not an audit result ({exc.error_count()} error(s))")
        return
    if result.result_sha256() != doc["result_sha256"]:
        out.problems.append("report.json: its results do not give the result_sha256 it names")
    else:
        out.checked.append("report.json: its results give the attested result_sha256")
