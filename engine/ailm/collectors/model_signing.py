"""Signed models as evidence: OpenSSF model signing (PyPI ``model-signing``, key-based, offline).

The MLflow collector, given ``model_signing: {trusted_keys: [...]}``, looks for the signature (a Sigstore bundle,
``model.sig`` by default) in each registered version's artifact folder and checks it with ``model-signing``
against each of the organisation's trusted public keys (PEM, ECDSA P-256/384/521). The record (role
``model_signature``) says whether a signature is there, whether it verifies and with which key, and whether
the files it signs are exactly the files the registry holds. A signature that verifies with no trusted key, or
covers other files, is recorded as such and fails DEP-008; it is never read as a valid one. A signature file
that does not parse, or a trusted key file that does not, stops the audit (exit 2) naming the file.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pydantic import BaseModel, ConfigDict, Field

from ailm.canonical import loads_unique, sha256_bytes, sha256_json
from ailm.errors import CollectorError

ROLE = "model_signature"
PREDICATE = "https://model_signing/signature/v1.0"


class ModelSigning(BaseModel):
    model_config = ConfigDict(extra="forbid")

    trusted_keys: list[str] = Field(min_length=1, description="PEM public keys the organisation signs models with")
    signature: str = Field(default="model.sig", pattern=r"^[^/\\]+$", description="the signature's file name in the "
                           "artifact folder")  # fmt: skip


@dataclass(frozen=True)
class TrustedKey:
    path: Path
    key_id: str  # sha256 of the PEM file's bytes


def load_keys(settings: ModelSigning, base_dir: Path) -> list[TrustedKey]:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    out = []
    for i, raw in enumerate(settings.trusted_keys):
        path = (base_dir / raw).resolve()
        try:
            data = path.read_bytes()
            key = serialization.load_pem_public_key(data)
        except OSError as exc:
            raise CollectorError(f"model_signing.trusted_keys.{i}: {path}: cannot read: {exc}") from None
        except (ValueError, TypeError) as exc:
            raise CollectorError(f"model_signing.trusted_keys.{i}: {path}: not a PEM public key: {exc}") from None
        if not isinstance(key, ec.EllipticCurvePublicKey):
            raise CollectorError(f"model_signing.trusted_keys.{i}: {path}: model signing keys are ECDSA "
                                 f"(P-256, P-384, P-521), got {type(key).__name__}")  # fmt: skip
        out.append(TrustedKey(path, sha256_bytes(data)))
    return out


def _statement(path: Path) -> dict[str, Any]:
    """The in-toto statement inside a model-signing bundle; a file that is not one stops the audit."""
    try:
        bundle = loads_unique(path.read_bytes())
        payload = bundle["dsseEnvelope"]["payload"]
        stmt = loads_unique(base64.b64decode(payload, validate=True))
    except OSError as exc:
        raise CollectorError(f"{path}: cannot read the model signature: {exc}") from None
    except (ValueError, KeyError, TypeError) as exc:
        raise CollectorError(
            f"{path}: not a model-signing signature (a Sigstore bundle with a DSSE envelope): "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if not isinstance(stmt, dict) or stmt.get("predicateType") != PREDICATE:
        got = stmt.get("predicateType") if isinstance(stmt, dict) else type(stmt).__name__
        raise CollectorError(f"{path}: the signed statement's predicateType is {got!r}, not {PREDICATE}")
    return stmt


def check(location: str, files: list[dict[str, Any]], settings: ModelSigning, keys: list[TrustedKey]) -> dict[str, Any]:
    """What the signature of the artifact at ``location`` proves (see the module)."""
    from importlib.metadata import version

    out: dict[str, Any] = {
        "tool": f"model-signing {version('model-signing')}",
        "signature_file": None,
        "present": False,
        "verified": False,
        "trusted_key": None,
        "problem": None,
        "signed_files": [],
        "signed_sha256": None,
        "matches_artifact": False,
    }
    parsed = urlparse(location)
    root = Path(unquote(parsed.path)) if parsed.scheme in ("", "file") else None
    if root is None or not root.is_dir():
        out["problem"] = f"the artifact {location} is not a local folder: its signature cannot be checked here"
        return out
    sig = root / settings.signature
    out["signature_file"] = sig.as_uri()
    if not sig.is_file():
        out["problem"] = f"no signature {settings.signature} in the artifact folder"
        return out
    out["present"] = True
    stmt = _statement(sig)
    resources = (stmt.get("predicate") or {}).get("resources") or []
    signed = {str(r.get("name")): str(r.get("digest")) for r in resources if isinstance(r, dict)}
    out["signed_files"] = sorted(signed)
    out["signed_sha256"] = sha256_json(sorted(signed.items()))
    held = {f["path"]: f["sha256"] for f in files if f["path"] != settings.signature}
    out["matches_artifact"] = signed == held
    failures = []
    for key in keys:
        try:
            _verify(root, sig, key.path)
        except Exception as exc:  # model-signing raises ValueError and others: each means "not with this key"
            failures.append(f"{key.path.name}: {_why(str(exc))}")
            continue
        out["verified"], out["trusted_key"] = True, {"file": key.path.name, "sha256": key.key_id}
        break
    if not out["verified"]:
        out["problem"] = "the signature verifies with no trusted key (" + "; ".join(failures) + ")"
    elif not out["matches_artifact"]:
        out["problem"] = "the signed files are not the files the registry holds"
    return out


def _why(text: str) -> str:
    """model-signing's reason, readable: which files differ, are extra or missing, or that the key is another."""
    text = text.replace("\\'", "'")  # the reasons come as a list's repr, quotes escaped
    changed = re.findall(r"Hash mismatch for '([^']+)'", text)
    extra = re.search(r"Extra files found in model '[^']*': ([^\]\"']+)", text)
    missing = re.search(r"Missing files in model '[^']*': ([^\]\"']+)", text)
    parts = []
    if changed:
        parts.append(f"changed since signing: {', '.join(sorted(changed))}")
    if extra:
        parts.append(f"files the signature does not cover: {extra.group(1).strip()}")
    if missing:
        parts.append(f"signed files that are gone: {missing.group(1).strip()}")
    if "Key mismatch" in text:
        parts.append("signed by another key (Key mismatch)")
    return "; ".join(parts) or text.splitlines()[0][:200]


def _verify(root: Path, sig: Path, public_key: Path) -> None:
    from model_signing import hashing, verifying

    hashing_config = hashing.Config().set_ignored_paths(paths=[sig])  # type: ignore[no-untyped-call]
    config = verifying.Config()  # type: ignore[no-untyped-call]
    config.set_hashing_config(hashing_config).use_elliptic_key_verifier(public_key=public_key).verify(root, sig)
