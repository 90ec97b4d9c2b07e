"""Canonical JSON and digests: the same data always gives the same bytes and the same sha256."""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson


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


def _plain(obj: Any) -> bool:
    """Only objects with string keys, lists, strings, integers, booleans and null: no float, no other type."""
    stack = [obj]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is dict:
            for key in item:
                if type(key) is not str:
                    return False
            values = item.values()
        elif kind is list:
            values = item
        else:
            return kind is str or kind is int or kind is bool or item is None
        for value in values:
            kind = type(value)
            if kind is dict or kind is list:
                stack.append(value)
            elif not (kind is str or kind is int or kind is bool or value is None):
                return False
    return True


def canonical_json(obj: Any, *, json_only: bool = False) -> bytes:
    """Sorted keys, no insignificant white space, UTF-8, finite numbers only; floats as Python's repr. This is
    not RFC 8785 (its numbers are ECMAScript's); docs/evidence.md gives the exact form, and tests hold it.

    Content without floats (most evidence: ids, names, digests, counts) is encoded by orjson, whose bytes for
    it are the same (tests/test_canonical.py holds them equal on every code point and key order); a float, an
    integer past 64 bits or any other type takes the standard library's encoder, whose float form is Python's
    repr (orjson writes 1e-05 as 1e-5 and a NaN as null).

    ``json_only``: the caller vouches that ``obj`` holds nothing but what ``orjson.loads`` returns (objects with
    string keys, lists, strings, 64-bit integers, finite floats, booleans, null), so no walk looks for other
    types. orjson's text for a finite float is Python's repr except where the exponent is below -4 (``1e-5``
    for ``1e-05``, ``0.00001234`` for ``1.234e-05``): bytes with neither ``e-`` nor ``0.0000`` in them are the
    canonical form, and anything else takes the general path (tests/test_canonical.py holds it on every float
    kind and on generated documents). Read at volume (100,000 OpenLineage records), the walk was a third of
    building a record."""
    if json_only:
        try:
            out = orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # a promise broken (an integer past 64 bits): the general path decides
            pass
        else:
            if b"e-" not in out and b"0.0000" not in out:
                return out
    if _plain(obj):
        try:
            return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS)
        except orjson.JSONEncodeError:  # an integer past 64 bits, a lone surrogate: the standard path decides
            pass
    try:
        text = _ENCODER.encode(obj)
    except ValueError:
        _check_finite(obj)  # names the offending value
        raise
    return text.encode("utf-8")


class DuplicateKeyError(ValueError):
    """A JSON object that gives one key twice: ``line`` and ``column`` (from 1) of the second, in the text read."""

    def __init__(self, key: str, line: int | None, column: int | None) -> None:
        self.key, self.line, self.column = key, line, column
        where = f" at line {line} column {column}" if line is not None else ""
        super().__init__(f"duplicate key {key!r}{where}: which one a reader keeps is not defined")


class _Repeat(ValueError):
    def __init__(self, key: str) -> None:
        self.key = key


def _unique(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _Repeat(key)
        out[key] = value
    return out


_WS = re.compile(r"[ \t\n\r]*")


def _first_repeat(text: str) -> tuple[str, int] | None:
    """The first key, in text order, that its object already gave, and where it starts; in a text that
    ``json.loads`` reads but for that repeat (so the walk checks no syntax). Only on the way to an error."""
    scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]
    open_: list[set[str] | None] = []  # per open container: the keys of an object so far, None for an array
    i = _WS.match(text, 0).end()  # type: ignore[union-attr]
    while True:
        if open_ and open_[-1] is not None and text[i] == '"':  # a key, then its value
            key, end = json.decoder.scanstring(text, i + 1)  # type: ignore[attr-defined]
            keys = open_[-1]
            if key in keys:
                return key, i
            keys.add(key)
            i = _WS.match(text, _WS.match(text, end).end() + 1).end()  # type: ignore[union-attr]  # past ':'
        char = text[i]
        if char in "{[":
            i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
            if text[i] not in "}]":
                open_.append(set() if char == "{" else None)
                continue
            i += 1
        else:
            i = scan(text, i)[1]
        while open_:  # the value is read: a comma, or the end of its container (and maybe of others)
            i = _WS.match(text, i).end()  # type: ignore[union-attr]
            if text[i] == ",":
                i = _WS.match(text, i + 1).end()  # type: ignore[union-attr]
                break
            open_.pop()
            i += 1
        else:
            return None


def loads_unique(text: str | bytes) -> Any:
    """JSON whose objects repeat no key (the standard parser's reading otherwise: NaN, integers of any size): a
    repeat raises DuplicateKeyError naming the key, its line and its column. For signed material, where two
    readers must never see two contents, and for every source whose repeated key could decide a verdict."""
    try:
        return json.loads(text, object_pairs_hook=_unique)
    except _Repeat as exc:
        decoded = text if isinstance(text, str) else text.decode(json.detect_encoding(text), "surrogatepass")
        try:
            found = _first_repeat(decoded)
        except (ValueError, IndexError, RecursionError):  # never expected: the repeat is still refused, unplaced
            found = None
        if found is None:
            raise DuplicateKeyError(exc.key, None, None) from None
        key, at = found
        line = decoded.count("\n", 0, at) + 1
        raise DuplicateKeyError(key, line, at - decoded.rfind("\n", 0, at)) from None


def loads_fast_unique(raw: bytes) -> Any:
    """What ``orjson.loads`` reads (no NaN, 64-bit integers), refusing a repeated key as ``loads_unique`` does,
    at a fraction of its cost: only a text that may hold one is read again by the standard parser. Every key is
    followed by one colon, and every other colon is in a string; without ``\\u`` escapes (the only way to write
    a colon other than as itself), a text's count of colons is its number of keys plus the colons of its strings,
    and orjson's text of what it read counts the same. A repeated key drops that key and its value from what is
    read, so orjson's text counts fewer colons than the raw one. (tests/test_collectors.py holds it on generated
    and hostile texts.) On 100,000 OpenLineage events: 0.6 s more than orjson alone."""
    value = orjson.loads(raw)
    if (b"\\" in raw and b"\\u" in raw) or raw.count(b":") != orjson.dumps(value).count(b":"):
        loads_unique(raw)  # raises on the repeat, naming it; a false alarm costs one more parse
    return value


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_json(obj: Any, *, json_only: bool = False) -> str:
    return sha256_bytes(canonical_json(obj, json_only=json_only))


def sha256_file(path: Path) -> str:
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()
