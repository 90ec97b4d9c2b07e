"""`ailm verify --reproduce`: judge a signed audit's recorded policy inputs again and compare every decision.

The folder must verify first (signature, digests, result digest). Then the policy set is loaded (the bundled
library, or the folders given) and must be the audited one by digest; the thresholds the audit used are
applied from report.json; every recorded input in inputs.json is evaluated in process, and each control's
status and findings are compared with the report's. A result the audit could not decide (``error``: a failed
measurement, a broken registration) is counted apart: there is no decision to re-derive, and it already
withholds a verdict.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ailm.errors import InputError
from ailm.evidence.model import PolicyInput
from ailm.policy import Decision, Evaluator, PolicySet, load_policies
from ailm.policy import create as create_evaluator
from ailm.result import AuditResult, ControlResult, Status, Waiver


@dataclass
class Reproduction:
    matched: int = 0
    undecided: int = 0  # error results: nothing to re-derive
    differences: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return 1 if self.differences else 0


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path}: not in the folder; an audit without it cannot be reproduced") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read it as JSON: {exc}") from None


def _expired_waiver_line(message: str) -> bool:
    return message.startswith("waiver ") and message.endswith("no longer waives this control")


def _findings(r: ControlResult) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((f.level, f.message, tuple(f.evidence)) for f in r.findings if not _expired_waiver_line(f.message))


def reproduce(
    folder: Path, policy_folders: list[Path], make: Callable[[PolicySet], Evaluator] | None = None
) -> Reproduction:
    """``make``: the evaluator to judge with (default: the embedded one; the tests pass real OPA)."""
    from ailm.audit.runner import control_result

    doc = _read(folder / "report.json")
    if not isinstance(doc, dict):
        raise InputError(f"{folder / 'report.json'}: not an audit result")
    result = AuditResult.from_report(doc)
    inputs = _read(folder / "inputs.json")
    if not isinstance(inputs, list):
        raise InputError(f"{folder / 'inputs.json'}: not a list of policy inputs")
    policies = load_policies(policy_folders)
    if policies.digest() != result.policy_sha256:
        raise InputError(
            f"the policy set loaded here (sha256:{policies.digest()[:16]}...) is not the audited one "
            f"(sha256:{result.policy_sha256[:16]}...): pass --policies with the library the audit used"
        )
    policies = policies.with_data({"ailm": {"thresholds": result.thresholds}})  # as the audit applied them
    controls = {c.id: c for c in policies.controls}
    waivers = list({r.waiver.ticket: r.waiver for r in result.results if isinstance(r.waiver, Waiver)}.values())
    by_subject: dict[str, PolicyInput] = {}
    for raw in inputs:
        pinput = PolicyInput.model_validate(raw)
        by_subject[pinput.subject.id] = pinput
    evaluator = make(policies) if make is not None else create_evaluator("embedded", policies)
    out = Reproduction()
    decided: dict[str, dict[str, Decision]] = {}
    for r in result.results:
        if r.status is Status.ERROR:
            out.undecided += 1
            continue
        control, recorded = controls.get(r.control), by_subject.get(r.subject)
        if control is None or recorded is None:
            what = f"control {r.control}" if control is None else f"the input of {r.subject}"
            out.differences.append(f"{r.control} on {r.subject}: {what} is not in the recorded audit")
            continue
        if r.subject not in decided:
            got = evaluator.evaluate(recorded.model_dump(mode="json"))
            decided[r.subject] = got if isinstance(got, dict) else {}
        decision = decided[r.subject].get(r.control)
        if not isinstance(decision, Decision):
            out.differences.append(f"{r.control} on {r.subject}: the policies give no decision now")
            continue
        again = control_result(control, decision, recorded, waivers, result.as_of)
        if again.status is not r.status:
            out.differences.append(
                f"{r.control} on {r.subject}: the report says {r.status.value}, the policies give {again.status.value}"
            )
        elif _findings(again) != _findings(r):
            out.differences.append(f"{r.control} on {r.subject}: same status, different findings")
        else:
            out.matched += 1
    return out
