"""A value of the wrong type where a control reads a number or a date is a failing finding that names it.

In Rego a number is never greater than a string, so ``days < 183`` with days = "90" is false and a deny
rule written that way silently stops firing. For every control that passes on a fixture, every number and
date in the fixture's evidence is first moved (to 0, -10^9 and 10^9; to 1990 and 2099): if that makes the
control fail, the control reads it, and then a string, null, a list and an object in its place must make
the control fail too, with a finding that names the field, and no error. (null reads as an absent field:
where a control passes without the field at all, an optional cross-check, null may pass too.) Lists of the
same shape (the groups of a fairness record) are probed once, at their first item.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

import policy_inputs
from ailm import builtin
from ailm.policy import load_policies
from ailm.policy.embedded import EmbeddedEvaluator
from ailm.policy.evaluator import Decision
from policy_inputs import drop, get, is_date, mutable_paths, put
from referee import OpaReferee, decision_key

WRONG: dict[str, Any] = {"a string": "12", "null": None, "a list": [1], "an object": {"value": 1}}
NUMBER_PROBES = [0, -1_000_000_000, 1_000_000_000]
DATE_PROBES = ["1990-01-01", "2099-01-01T00:00:00Z"]
BASES = ["compliant_deployed", "retired_and_archived", "generative_with_base_model"]


@pytest.fixture(scope="module")
def library():
    return load_policies([builtin.policies()])


class Packages:
    """regorus on a chosen set of controls (one query each), for the fixtures where only a few pass."""

    def __init__(self, library) -> None:
        self.library = library
        self.evaluator = EmbeddedEvaluator(library)

    def evaluate(self, pinput: dict[str, Any], ids: set[str]) -> dict[str, Decision]:
        self.evaluator.engine.set_input_json(json.dumps(pinput))
        return {c.id: self.evaluator.evaluate_control(c) for c in self.library.controls if c.id in ids}


def passes(d: Decision) -> bool:
    return not (d.deny or d.warn or d.not_applicable or d.error)


def names(path: tuple[str | int, ...], message: str) -> bool:
    """The message names the field: as it is spelled (retention_days) or in words (demographic parity ratio)."""
    field = next(str(p) for p in reversed(path) if isinstance(p, str)).lower()
    return field in message.lower() or field.replace("_", " ") in message.lower()


def probes(value: Any) -> list[Any]:
    return DATE_PROBES if isinstance(value, str) else NUMBER_PROBES


def typed_paths(pinput: dict[str, Any]) -> list[tuple[str | int, ...]]:
    """Every number or date, one per shape (list indexes as *)."""
    seen: dict[tuple[Any, ...], tuple[str | int, ...]] = {}
    for path in mutable_paths(pinput)[0]:
        value = get(pinput, path)
        if (isinstance(value, int | float) and not isinstance(value, bool)) or is_date(value):
            seen.setdefault(tuple("*" if isinstance(p, int) else p for p in path), path)
    return sorted(seen.values(), key=str)


def changed(pinput: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(pinput)
    put(out, path, value)
    return out


def test_wrong_types_in_the_numbers_and_dates_a_control_reads_fail_naming_the_field(library) -> None:
    regorus = EmbeddedEvaluator(library)
    opa = OpaReferee(library)
    packages = Packages(library)
    covered: set[str] = set()
    read: list[tuple[str, str, str]] = []  # (base, control, path) that a control was shown to read
    problems: list[str] = []
    for base_name in BASES:
        base = policy_inputs.FIXTURES[base_name]()
        mine = {cid for cid, d in regorus.evaluate(base).items() if passes(d)} - covered
        covered |= mine
        full = base_name == BASES[0]  # the compliant fixture: all controls at once, and OPA as referee too

        def run(pinput: dict[str, Any], _mine: set[str] = mine, _full: bool = full) -> dict[str, Decision]:
            return regorus.evaluate(pinput) if _full else packages.evaluate(pinput, _mine)

        for path in typed_paths(base):
            value = get(base, path)
            readers = {cid for probe in probes(value) for cid, d in run(changed(base, path, probe)).items()
                       if cid in mine and d.deny}  # fmt: skip
            if not readers:
                continue
            read += [(base_name, cid, str(path)) for cid in sorted(readers)]
            # null is what an absent field reads as: where a control passes without the field at all (an
            # optional cross-check), null may pass too
            optional = set()
            if isinstance(path[-1], str):
                without = copy.deepcopy(base)
                drop(without, path)
                optional = {cid for cid, d in run(without).items() if cid in readers and passes(d)}
            for kind, wrong in WRONG.items():
                bad = changed(base, path, wrong)
                decisions = run(bad)
                for cid in sorted(readers - (optional if wrong is None else set())):
                    d = decisions[cid]
                    messages = [f.message for f in d.deny]
                    if d.error or not d.deny or not any(names(path, m) for m in messages):
                        problems.append(f"{base_name}: {cid}: {path} = {kind}: error={d.error} deny={messages}")
                if full:
                    theirs = opa.evaluate(bad)
                    for cid in readers:
                        if decision_key(decisions[cid]) != decision_key(theirs[cid]):
                            problems.append(f"{base_name}: {cid}: {path} = {kind}: OPA decides otherwise")
    assert not problems, "\n".join(problems[:20])
    controls = {cid for _, cid, _ in read}
    # the probes must have found what the controls read: most controls read a number or a date
    assert len(controls) >= 30, sorted(controls)
    assert len(read) >= 60, len(read)
