"""The embedded evaluator: regorus, Microsoft's Rust Rego engine, in process."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ailm.errors import PolicyError
from ailm.plugins import Plugin
from ailm.policy import capabilities
from ailm.policy.evaluator import Decision, clean_engine_message, decision_from
from ailm.policy.metadata import ControlMeta
from ailm.policy.policyset import PolicySet

QUERY = "data.ailm.controls"


def _value(raw: str) -> Any:
    doc = json.loads(raw)
    results = doc.get("result") or []
    if not results:
        return None  # undefined
    return results[0]["expressions"][0]["value"]


def new_engine(policies: PolicySet, *, with_tests: bool = False) -> Any:
    import regorus

    engine = regorus.Engine()
    for module in [*policies.modules, *(policies.tests if with_tests else [])]:
        try:
            engine.add_policy(module.display, module.text)
        except RuntimeError as exc:
            raise PolicyError(f"parse {clean_engine_message(str(exc))}") from None
    engine.add_data_json(json.dumps(policies.data))
    capabilities.check(engine.get_ast_as_json())
    return engine


def compile_check(engine: Any, query: str = QUERY) -> None:
    """regorus compiles lazily: unsafe variables and unknown functions show at the first evaluation."""
    engine.set_input_json("{}")
    try:
        engine.eval_query_as_json(query)
    except RuntimeError as exc:
        raise PolicyError(f"compile {clean_engine_message(str(exc))}") from None


class EmbeddedEvaluator:
    def __init__(self, policies: PolicySet, *, check: bool = True) -> None:
        """``check=False`` leaves compiling to :meth:`check_control`, one control at a time (the timed worker
        does that, so that a control that runs away even on an empty input is found within the limit)."""
        self.policies = policies
        self.engine = new_engine(policies)
        if check:
            compile_check(self.engine)

    def evaluate(self, policy_input: Mapping[str, Any]) -> dict[str, Decision]:
        return self.evaluate_json(json.dumps(policy_input))

    def evaluate_json(self, payload: str) -> dict[str, Decision]:
        """The decisions for an input given as JSON text."""
        self.engine.set_input_json(payload)
        try:
            tree = _value(self.engine.eval_query_as_json(QUERY)) or {}
        except RuntimeError:
            # after a runtime error, each control alone, so the error lands on the control that made it
            return {c.id: self.evaluate_control(c) for c in self.policies.controls}
        return {c.id: decision_from(walk_package(tree, c.package)) for c in self.policies.controls}

    def evaluate_control(self, control: ControlMeta) -> Decision:
        """One control on the input already set."""
        try:
            return decision_from(_value(self.engine.eval_query_as_json(f"data.{control.package}")))
        except RuntimeError as exc:
            return Decision(error=clean_engine_message(str(exc)))

    def check_control(self, control: ControlMeta) -> None:
        compile_check(self.engine, f"data.{control.package}")


def walk_package(tree: Any, package: str) -> Any:
    """The value of ``package`` inside the tree of ``data.ailm.controls``."""
    node = tree
    for part in package.removeprefix("ailm.controls.").split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    timeout: float = Field(
        default=60.0, gt=0, le=86_400, description="seconds the engine may spend on one model version"
    )


def _build(settings: Settings, policies: PolicySet) -> Any:
    from ailm.policy.timed import TimedEvaluator  # in a worker process, so that a runaway policy can be stopped

    return TimedEvaluator(policies, limit_s=settings.timeout, wait=False)  # the audit calls ready() before collecting


plugin = Plugin(
    kind="evaluator",
    name="embedded",
    summary="regorus (Microsoft's Rust Rego engine) in a worker process, with a time limit per model version",
    settings=Settings,
    build=_build,
)
