"""Canonical JSON and digests: the same data always gives the same bytes and the same sha256."""

from __future__ import annotations

import hashlib
import json
import math
from datetime import date, datetime
from pathlib import Path
from typing import Any


def _default(obj: Any) -> Any:
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if hasattr(obj, "model_dump"):
        return obj.model_dump(mode="json")
    if hasattr(obj, "item"):  # numpy scalars
        return obj.item()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _check_finite(obj: Any) -> Any:
    if isinstance(obj, float) and not math.isfinite(obj):
        raise ValueError(f"non-finite number {obj!r} has no canonical JSON form")
    if isinstance(obj, dict):
        for v in obj.values():
            _check_finite(v)
    elif isinstance(obj, list | tuple):
        for v in obj:
            _check_finite(v)
    return obj


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default, allow_nan=False
)  # one encoder for every call: building one per call cost more than encoding small records


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no insignificant white space, UTF-8, finite numbers only; floats as Python's repr. This is
    not RFC 8785 (its numbers are ECMAScript's); docs/evidence.md gives the exact form, and tests hold it."""
    try:
        text = _ENCODER.encode(obj)
    except ValueError:
        _check_finite(obj)  # names the offending value
        raise
    return text.encode("utf-8")


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"duplicate key {key!r}: which one a reader keeps is not defined")
        out[key] = value
    return out


def loads_unique(text: str | bytes) -> Any:
    """JSON whose objects repeat no key: for signed material, where two readers must never see two contents."""
    return json.loads(text, object_pairs_hook=_unique)


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_json(obj: Any) -> str:
    return sha256_bytes(canonical_json(obj))


def sha256_file(path: Path) -> str:
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
