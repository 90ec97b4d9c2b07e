"""``ailm policy test``: run every ``test_*`` rule of every ``*_test.rego`` in process."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from ailm.policy.embedded import compile_check, new_engine
from ailm.policy.evaluator import clean_engine_message
from ailm.policy.metadata import package_of
from ailm.policy.policyset import PolicyFile, PolicySet

_TEST_RULE = re.compile(r"^(test_\w+)\b", re.M)


@dataclass(frozen=True)
class TestOutcome:
    file: str
    name: str
    status: str  # pass | fail | error
    detail: str = ""


def test_rules(policies: PolicySet) -> Iterator[tuple[PolicyFile, str, str]]:
    """(test file, its package, rule name) for every ``test_*`` rule, in file order."""
    for test in policies.tests:
        package = package_of(test.text)
        if package:
            for name in dict.fromkeys(_TEST_RULE.findall(test.text)):
                yield test, package, name


test_rules.__test__ = False  # type: ignore[attr-defined]  # not a pytest test, whatever its name says


def run_tests(policies: PolicySet) -> list[TestOutcome]:
    engine = new_engine(policies, with_tests=True)
    for test in policies.tests:
        package = package_of(test.text)
        if package:
            compile_check(engine, f"data.{package}")
    engine.set_input_json("{}")
    outcomes = []
    for test, package, name in test_rules(policies):
        try:
            raw = json.loads(engine.eval_query_as_json(f"data.{package}.{name}"))
        except RuntimeError as exc:
            outcomes.append(TestOutcome(test.display, name, "error", clean_engine_message(str(exc))))
            continue
        results = raw.get("result") or []
        value = results[0]["expressions"][0]["value"] if results else None
        status = "pass" if value is True else "fail"
        outcomes.append(TestOutcome(test.display, name, status, "" if value is True else "undefined or false"))
    return outcomes
