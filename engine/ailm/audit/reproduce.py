"""`ailm verify --reproduce`: judge a signed audit's recorded policy inputs again and compare every decision.

The folder must verify first (signature, digests, result digest). Then the policy set is loaded (the bundled
library, or the folders given) and must be the audited one by digest. Nothing is taken from the report being
checked: the thresholds and waivers come from what the audit signed as decided with (the attestation's
``decided_with``), every recorded input must be what evidence.json gives (each record it shows hashes to the
digest evidence.json holds, and the whole input is the one the lineage graph of evidence.json builds), every
control of the policy set must have exactly one result per subject, and each is judged again and compared,
status and findings. A result the audit could not decide (``error``: a failed measurement, a broken
registration) is counted apart: there is no decision to re-derive, and it already withholds a verdict.
"""

from __future__ import annotations

import base64
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ailm.canonical import loads_unique, sha256_json
from ailm.errors import InputError
from ailm.evidence.model import EvidenceSet, PolicyInput
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
        return loads_unique(path.read_bytes())
    except FileNotFoundError:
        raise InputError(f"{path}: not in the folder; an audit without it cannot be reproduced") from None
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot read it as JSON: {exc}") from None


def _expired_waiver_line(message: str) -> bool:
    return message.startswith("waiver ") and message.endswith("no longer waives this control")


def _findings(r: ControlResult) -> list[tuple[str, str, tuple[str, ...]]]:
    return sorted((f.level, f.message, tuple(f.evidence)) for f in r.findings if not _expired_waiver_line(f.message))


def _decided_with(folder: Path) -> tuple[dict[str, Any], list[Waiver]]:
    """The thresholds and waivers the audit signed as what it decided with (the caller verified the signature)."""
    from ailm.signing import ATTESTATION_NAME

    envelope = _read(folder / ATTESTATION_NAME)
    try:
        statement = loads_unique(base64.b64decode(envelope["payload"], validate=True))
        decided = statement["predicate"]["decided_with"]
        thresholds, raw = decided["thresholds"], decided["waivers"]
        if not isinstance(thresholds, dict) or not isinstance(raw, list):
            raise TypeError("thresholds must be a mapping and waivers a list")
        return thresholds, [Waiver.model_validate(w) for w in raw]
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise InputError(
            f"{folder / ATTESTATION_NAME}: does not record the thresholds and waivers the audit decided with "
            f"(predicate.decided_with: {type(exc).__name__}: {str(exc).splitlines()[0]}; an audit from an older "
            "ailm): its decisions cannot be re-derived"
        ) from None


def _input_differences(raw: Any, pinput: PolicyInput, evidence: EvidenceSet, result: AuditResult) -> list[str]:
    """What makes a recorded input other than the one evidence.json gives and the report judged."""
    from ailm.evidence.model import _content
    from ailm.lineage import LineageGraph, build_input

    subject = pinput.subject.id
    out: list[str] = []
    records = {r.id: r for r in evidence.records}
    for role, views in sorted(pinput.evidence.items()):
        for view in views if isinstance(views, list) else [views]:
            record = records.get(view.id)
            if record is None:
                out.append(f"the input of {subject}: evidence {view.id} ({role}) is not in evidence.json")
            elif (
                view.sha256 != record.sha256
                or sha256_json(
                    _content(view.kind, view.id, record.role, record.subject, view.source, view.data, view.declared)
                )
                != record.sha256
            ):
                out.append(
                    f"the input of {subject}: evidence {view.id} ({role}) is not the record evidence.json holds "
                    "(its content does not hash to the recorded sha256)"
                )
    judged = next((s.input_sha256 for s in result.subjects if s.id == subject), None)
    if judged is not None and sha256_json(raw) != judged:
        out.append(f"the input of {subject}: not the one the report judged (its input_sha256 differs)")
    if not out:
        many = {role for role, views in pinput.evidence.items() if isinstance(views, list)}
        try:
            again = build_input(LineageGraph.build(evidence), subject, pinput.as_of, many=many)
        except InputError as exc:
            return [f"the input of {subject}: evidence.json does not give it: {exc}"]
        if sha256_json(again.model_dump(mode="json")) != sha256_json(raw):
            out.append(f"the input of {subject}: not the input the lineage graph of evidence.json gives")
    return out


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
    try:
        evidence = EvidenceSet.model_validate(loads_unique((folder / "evidence.json").read_bytes()))
    except (OSError, ValueError) as exc:  # a repeated key, not JSON, not an evidence set
        why = str(exc).splitlines()[0]
        raise InputError(f"{folder / 'evidence.json'}: cannot read it as an evidence set: {why}") from None
    policies = load_policies(policy_folders)
    if policies.digest() != result.policy_sha256:
        raise InputError(
            f"the policy set loaded here (sha256:{policies.digest()[:16]}...) is not the audited one "
            f"(sha256:{result.policy_sha256[:16]}...): pass --policies with the library the audit used"
        )
    thresholds, waivers = _decided_with(folder)
    out = Reproduction()
    if thresholds != result.thresholds:
        out.differences.append("report.json's thresholds are not the ones the audit signed as decided with")
    policies = policies.with_data({"ailm": {"thresholds": thresholds}})  # as the audit applied them
    controls = {c.id: c for c in policies.controls}
    by_subject: dict[str, PolicyInput] = {}
    for i, raw in enumerate(inputs):
        try:
            pinput = PolicyInput.model_validate(raw)
        except ValidationError as exc:
            raise InputError(
                f"{folder / 'inputs.json'}: input {i + 1} is not a policy input: {exc.errors()[0]}"
            ) from None
        if pinput.subject.id in by_subject:
            out.differences.append(f"the input of {pinput.subject.id} is recorded twice")
        by_subject[pinput.subject.id] = pinput
        out.differences.extend(_input_differences(raw, pinput, evidence, result))
    reported = {s.id for s in result.subjects}
    for subject in sorted(reported ^ set(by_subject)):
        where = "inputs.json records no input" if subject in reported else "the report has no subject"
        out.differences.append(f"{subject}: {where} for it")
    # every control of the policy set has exactly one result per subject: a report with results left out is
    # not a smaller audit that reproduces
    counted = Counter((r.subject, r.control) for r in result.results)
    for subject in sorted(by_subject):
        for cid in sorted(controls):
            n = counted.get((subject, cid), 0)
            if n != 1:
                out.differences.append(
                    f"{cid} on {subject}: the policy set has this control and the report has "
                    + ("no result for it" if n == 0 else f"{n} results for it")
                )
    evaluator = make(policies) if make is not None else create_evaluator("embedded", policies)
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
