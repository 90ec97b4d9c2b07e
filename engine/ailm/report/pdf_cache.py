"""The PDF is typeset again only when what it shows changed.

A signed report.pdf shows nothing of a single run: its audit id and signing time are in the signature's
appearance, stamped fresh on every audit; the page itself shows the result (``result_sha256``: every decision,
the evidence and policy-set digests, the clock), what changed since the previous audit (without that audit's id)
and, for a fleet, the trends. The typeset, unsigned PDF is kept under the cache folder keyed by the digest of
exactly that, the templates and stylesheet, and the versions of ailm and WeasyPrint.

A cache entry is trusted only with its seal: a signature, by the audit's own key, over its key and the PDF's
sha256. Whoever can write the cache folder but does not hold the key cannot plant a PDF that the audit would then
sign; an entry that does not verify is typeset again and replaced.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ailm import __version__
from ailm.canonical import sha256_bytes, sha256_json
from ailm.fsutil import write_atomic
from ailm.result import AuditResult
from ailm.signing.keys import PrivateKey, sign, verify

SEAL = b"ailm pdf cache v1\n"


def _templates_digest(folder: str) -> str:  # read each time (a few small files): an edited template counts
    root = Path(folder)
    files = sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
    return sha256_json([[p.relative_to(root).as_posix(), sha256_bytes(p.read_bytes())] for p in files])


def _shown_changes(changes: dict[str, Any] | None) -> Any:
    """What the page shows of the changes: everything but the audit ids (the previous one is not printed)."""
    if not changes:
        return changes
    return {k: ({kk: vv for kk, vv in v.items() if kk != "audit_id"} if k in ("from", "to") and isinstance(v, dict)
                else v) for k, v in changes.items()}  # fmt: skip


def render_key(result: AuditResult, result_sha256: str, templates: Path) -> str:
    from importlib.metadata import version

    return sha256_json({
        "result": result_sha256,
        "changes": _shown_changes(result.changes),
        "trends": result.trends if len(result.subjects) > 1 else None,  # the single report does not draw them
        "templates": _templates_digest(str(templates)),
        "ailm": __version__,
        "weasyprint": version("weasyprint"),  # without importing it (0.8 s): a cache hit typesets nothing
        "signed": True,
    })  # fmt: skip


@dataclass(frozen=True)
class PdfCache:
    folder: Path
    key: PrivateKey

    def _paths(self, digest: str) -> tuple[Path, Path]:
        return self.folder / f"{digest}.pdf", self.folder / f"{digest}.seal.json"

    def _message(self, digest: str, pdf: bytes) -> bytes:
        return SEAL + digest.encode("ascii") + b"\n" + sha256_bytes(pdf).encode("ascii")

    def get(self, digest: str) -> bytes | None:
        pdf_path, seal_path = self._paths(digest)
        try:
            pdf = pdf_path.read_bytes()
            seal = json.loads(seal_path.read_bytes())
            signature = base64.b64decode(seal["signature"], validate=True)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if not verify(self.key.public_key(), signature, self._message(digest, pdf)):
            return None  # not sealed by this key: typeset again
        return pdf

    def put(self, digest: str, pdf: bytes) -> None:
        pdf_path, seal_path = self._paths(digest)
        signature = base64.b64encode(sign(self.key, self._message(digest, pdf))).decode("ascii")
        write_atomic(pdf_path, pdf)
        write_atomic(seal_path, (json.dumps({"key": digest, "signature": signature}) + "\n").encode("utf-8"))
