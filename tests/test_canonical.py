"""The canonical form is exactly what docs/evidence.md says, so that a third party can re-hash any record."""

from __future__ import annotations

import json
import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from ailm.canonical import canonical_json

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "evidence.md").read_text()


def _documented(obj: object) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def test_the_documented_examples() -> None:
    assert canonical_json({"b": 1e-05, "a": [1.5e-07, 1e16, 0.1, 12345678.9, 2.0]}) == (
        b'{"a":[1.5e-07,1e+16,0.1,12345678.9,2.0],"b":1e-05}'
    )
    for text in ("1e-05", "1.5e-07", "1e+16", "0.1", "12345678.9", "2.0"):
        assert f"`{text}`" in DOC  # the page shows the same forms
    assert canonical_json({"s": 'é"\\\n\x07\u2028', "n": 1_764_000_000_000_000_000, "z": None, "t": True}) == (
        '{"n":1764000000000000000,"s":"é\\"\\\\\\n\\u0007\u2028","t":true,"z":null}'.encode()
    )
    assert canonical_json({"é": 1, "z": 2, "a": 3, "Z": 4}) == '{"Z":4,"a":3,"z":2,"é":1}'.encode()


def _documents(scalars: st.SearchStrategy[object], size: int) -> st.SearchStrategy[object]:
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=size) | st.dictionaries(st.text(max_size=6), inner, max_size=size),
        max_leaves=5 * size,
    )


JSON = _documents(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(), 4
)


@settings(max_examples=300, deadline=None)
@given(JSON)
def test_canonical_json_is_the_documented_one_liner(value: object) -> None:
    assert canonical_json(value) == _documented(value)


def test_the_documented_recipe_rehashes_every_record_of_an_audit(audited: Path) -> None:
    block = DOC.split("To check one record", 1)[1]
    code = re.search(r"```python\n(.*?)```", block, flags=re.S)
    assert code is not None
    recipe = code.group(1).replace('Path("out/demo/evidence.json")', "path").replace('["records"][0]', '["records"][i]')
    records = json.loads((audited / "evidence.json").read_text())["records"]
    assert len(records) > 20
    for i in range(len(records)):
        exec(compile(recipe, "docs/evidence.md", "exec"), {"path": audited / "evidence.json", "i": i})


PLAIN = _documents(  # what takes orjson's path: no float anywhere
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1) | st.text(), 6
)


@settings(max_examples=500, deadline=None)
@given(PLAIN)
def test_content_without_floats_gives_the_documented_bytes_on_the_fast_path(value: object) -> None:
    assert canonical_json(value) == _documented(value)


def test_every_code_point_and_what_the_fast_path_hands_on() -> None:
    import pytest

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert canonical_json({"s": every, every[:300]: 1}) == _documented({"s": every, every[:300]: 1})
    for value in ({"big": 2**64}, {"small": -(2**63) - 1}, {1: "integer key"}, {"f": [1, {"x": 1e-05}]}, ("t", 1)):
        assert canonical_json(value) == _documented(value)  # the standard library's path, the same bytes
    with pytest.raises(ValueError, match="non-finite number nan"):
        canonical_json({"a": [1, {"b": float("nan")}]})  # never orjson's null
    with pytest.raises(UnicodeEncodeError):
        canonical_json({"s": "\ud800"})


JSON_READ = _documents(  # what orjson.loads returns: 64-bit integers, finite floats
    st.none() | st.booleans() | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(), 6
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(JSON_READ)
def test_content_read_from_json_gives_the_documented_bytes_without_the_walk(value: object) -> None:
    assert canonical_json(value, json_only=True) == _documented(value)


def test_every_kind_of_float_without_the_walk() -> None:
    """orjson's text for a float is taken only where it is Python's repr: 100,000 doubles from random bits (every
    exponent, subnormals) and every decimal exponent from -330 to 308, each with several mantissas."""
    import random
    import struct

    rng = random.Random(17)
    floats = [struct.unpack("<d", rng.getrandbits(64).to_bytes(8, "little"))[0] for _ in range(100_000)]
    for exp in range(-330, 309):
        for mantissa in ("1", "1.5", "9.999999999999999", "4.9406564584124654", str(rng.uniform(1, 10))):
            floats.append(float(f"{mantissa}e{exp}"))
    floats = [x for x in floats if x == x and abs(x) != float("inf")]
    floats += [0.0, -0.0, 1e16, 1e15, 2.0**53, 2.0**63, 1e-4, 9.999999999999999e-5, 5e-324]
    assert len(floats) > 100_000
    assert canonical_json(floats, json_only=True) == _documented(floats)
    for x in floats[:20_000]:  # one at a time too: a list holding one exponent form takes the general path whole
        assert canonical_json({"x": x}, json_only=True) == _documented({"x": x}), x


def test_a_broken_promise_of_json_only_content_still_gives_the_documented_bytes() -> None:
    for value in ({"big": 2**64}, {"f": 1e-05}, {"f": 1.234e-05}, {"s": "type-e-1"}, {"t": ("a", 1)}):
        assert canonical_json(value, json_only=True) == _documented(value)
