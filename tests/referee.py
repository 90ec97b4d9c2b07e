"""Real OPA, in process, as the referee for regorus.

PyPI ``opa-golib-python-bindings`` ships OPA itself (v1.20) compiled as a C shared library; the Makefile's
set-up installs it with ``--ignore-requires-python`` (its metadata asks for Python 3.14, it runs on 3.11).
It evaluates with strict built-in errors, so a built-in that fails (a date that does not parse) is an error
here as in regorus, where an OPA server without ``strict-builtin-errors`` would leave the expression
undefined. A test dependency only: ailm itself never imports it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from opa_bindings import OpaEngine, OpaError, OpaUndefinedError

from ailm.policy.embedded import QUERY, walk_package
from ailm.policy.evaluator import Decision, decision_from
from ailm.policy.policyset import PolicySet
from ailm.policy.testing import TestOutcome, test_rules

__all__ = ["OpaReferee", "decision_key"]


class OpaReferee:
    """The Evaluator interface (``evaluate``) and ``ailm policy test`` (``run_tests``) on real OPA."""

    def __init__(self, policies: PolicySet, *, with_tests: bool = False) -> None:
        self.policies = policies
        self.engine = OpaEngine()
        for module in [*policies.modules, *(policies.tests if with_tests else [])]:
            self.engine.add_policy(module.display, module.text)
        self.engine.add_data(policies.data)

    def _document(self, path: str, policy_input: Any) -> Any:
        try:
            return self.engine.eval_document(path, dict(policy_input))
        except OpaUndefinedError:
            return None

    def evaluate(self, policy_input: Mapping[str, Any]) -> dict[str, Decision]:
        try:
            tree = self._document(QUERY.removeprefix("data."), policy_input) or {}
        except OpaError:
            return self._one_by_one(policy_input)
        return {c.id: decision_from(walk_package(tree, c.package)) for c in self.policies.controls}

    def _one_by_one(self, policy_input: Mapping[str, Any]) -> dict[str, Decision]:
        out: dict[str, Decision] = {}
        for control in self.policies.controls:
            try:
                out[control.id] = decision_from(self._document(control.package, policy_input))
            except OpaError as exc:
                out[control.id] = Decision(error=str(exc))
        return out

    def run_tests(self) -> list[TestOutcome]:
        """Every test rule's value, read from one evaluation of each top-level document (OPA compiles the whole
        query each time, 0.3 s here); where one errors, each of its rules is evaluated alone, so the error lands on
        the test that made it."""
        tests = list(test_rules(self.policies))
        documents: dict[str, Any] = {}
        for root in sorted({package.split(".")[0] for _, package, _ in tests}):
            try:
                documents[root] = self._document(root, {})
            except OpaError:
                documents[root] = _ERRORED
        outcomes = []
        for test, package, name in tests:
            node = documents[package.split(".")[0]]
            try:
                if node is _ERRORED:
                    value = self._document(f"{package}.{name}", {})
                else:
                    for part in [*package.split(".")[1:], name]:
                        node = node.get(part) if isinstance(node, dict) else None
                    value = node
            except OpaError as exc:
                outcomes.append(TestOutcome(test.display, name, "error", str(exc)))
                continue
            ok = value is True
            outcomes.append(
                TestOutcome(test.display, name, "pass" if ok else "fail", "" if ok else "undefined or false")
            )
        return outcomes


_ERRORED = object()


def decision_key(d: Decision) -> tuple[Any, ...]:
    """What two engines must agree on: every finding (message and evidence) and whether it errored.

    Error texts differ between engines and are compared by presence only."""

    def findings(items: list[Any]) -> list[tuple[str, tuple[str, ...]]]:
        return sorted((f.message, f.evidence) for f in items)

    return (findings(d.deny), findings(d.warn), findings(d.not_applicable), d.error is not None)
