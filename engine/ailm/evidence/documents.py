"""Declared documents checked against the bytes they name: what a manifest's technical documentation lists.

A declared sha256 is a claim. Where the document it belongs to is a file ailm can read (a path relative to the
manifest, or a ``file://`` URI), the file is hashed and the two compared; where it is not (an ``https://`` page:
ailm does not fetch), the digest is recorded as declared, not verified. The result is a record of its own (role
``td_check``), made by ailm, beside the declared record it checks, so a control can tell a digest that was
verified from one that was only written down.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from ailm.canonical import sha256_file

ROLE = "td_check"

# What people write where a document or digest should be: a finding, never a document.
PLACEHOLDERS = frozenset(
    {"", "tbd", "tba", "todo", "to do", "n/a", "na", "none", "null", "-", "--", "?", "...", "fixme",
     "placeholder", "pending", "later", "unknown"}
)  # fmt: skip


def is_placeholder(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower().rstrip(".") in PLACEHOLDERS | {""}


def local_path(uri: str, base_dir: Path) -> Path | None:
    """The file a document URI names, when it is local; None for another scheme."""
    parsed = urlparse(uri)
    if parsed.scheme == "file":
        return Path(unquote(parsed.path))
    if parsed.scheme == "" or (len(parsed.scheme) == 1 and uri[1:3] in (":\\", ":/")):  # a path (C:\ too)
        return (base_dir / uri).resolve()
    return None


def check(uri: Any, declared: Any, base_dir: Path) -> dict[str, Any]:
    """One document: {uri, declared_sha256, sha256 (what the file holds), status, reason}.

    status: ``match``; ``mismatch`` (the file holds other bytes: an out-of-date digest); ``missing`` (a local
    file that is not there); ``not_verified`` (a declared digest with nothing ailm can read to check it);
    ``no_digest`` (a readable file with no declared digest to compare, hashed all the same); ``placeholder``."""
    out: dict[str, Any] = {"uri": uri, "declared_sha256": declared, "sha256": None}
    if not isinstance(uri, str) or is_placeholder(uri):
        return out | {"status": "placeholder", "reason": f"the document is {uri!r}, not a file or URI"}
    path = local_path(uri, base_dir)
    if path is None:
        scheme = urlparse(uri).scheme
        why = f"ailm reads local files only and does not fetch {scheme}:// documents"
        return out | {"status": "not_verified", "reason": why}
    if not path.is_file():
        return out | {"status": "missing", "path": str(path), "reason": f"{path} does not exist"}
    try:
        actual = sha256_file(path)
    except OSError as exc:
        return out | {"status": "missing", "path": str(path), "reason": f"{path} cannot be read: {exc.strerror}"}
    out |= {"sha256": actual, "path": str(path)}
    if not isinstance(declared, str) or is_placeholder(declared):
        return out | {"status": "no_digest", "reason": "no sha256 is declared to compare with the file"}
    if declared.lower() != actual:
        return out | {"status": "mismatch", "reason": f"the file's sha256 is {actual}, not the declared {declared}"}
    return out | {"status": "match", "reason": None}


def check_technical_documentation(data: dict[str, Any], base_dir: Path) -> dict[str, Any]:
    """Every Annex IV section that names a document, and every test report, checked against its file."""
    sections: dict[str, Any] = {}
    annex = data.get("annex_iv")
    for key, value in sorted(annex.items()) if isinstance(annex, dict) else []:
        uri, digest = (value.get("uri"), value.get("sha256")) if isinstance(value, dict) else (value, None)
        sections[str(key)] = check(uri, digest, base_dir)
    reports = data.get("test_reports")
    return {
        "annex_iv": sections,
        "test_reports": [
            check(r.get("uri"), r.get("sha256"), base_dir) if isinstance(r, dict) else {"status": "placeholder"}
            for r in (reports if isinstance(reports, list) else [])
        ],
    }
