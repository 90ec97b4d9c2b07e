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
from ailm.config import SubjectSelector
from ailm.errors import InputError
from ailm.evidence.model import Evidence, EvidenceSet, PolicyInput
from ailm.lineage import LineageGraph
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


def _decided_with(folder: Path) -> tuple[dict[str, Any], list[Waiver], list[SubjectSelector]]:
    """The thresholds, waivers and subject selectors the audit signed as what it decided with (the caller verified
    the signature)."""
    from ailm.signing import ATTESTATION_NAME

    envelope = _read(folder / ATTESTATION_NAME)
    try:
        statement = loads_unique(base64.b64decode(envelope["payload"], validate=True))
        decided = statement["predicate"]["decided_with"]
        thresholds, raw, chosen_by = decided["thresholds"], decided["waivers"], decided["subjects"]
        if not isinstance(thresholds, dict) or not isinstance(raw, list) or not isinstance(chosen_by, list):
            raise TypeError("thresholds must be a mapping, waivers and subjects lists")
        return (thresholds, [Waiver.model_validate(w) for w in raw],
                [SubjectSelector.model_validate(s) for s in chosen_by])  # fmt: skip
    except (KeyError, TypeError, ValueError, ValidationError) as exc:
        raise InputError(
            f"{folder / ATTESTATION_NAME}: does not record the thresholds and waivers the audit decided with "
            f"(predicate.decided_with: {type(exc).__name__}: {str(exc).splitlines()[0]}; an audit from an older "
            "ailm): its decisions cannot be re-derived"
        ) from None


def _chosen_differences(graph: LineageGraph, selectors: list[SubjectSelector], result: AuditResult) -> list[str]:
    """The versions the signed selectors choose from evidence.json at the audit clock must be the report's: a
    version left out of the report (and of inputs.json) is not a smaller audit that reproduces."""
    from ailm.audit.runner import choose_subjects

    try:
        chosen = choose_subjects(
            graph, selectors, result.as_of, [],
            where=lambda i: f"decided_with.subjects[{i}]", source="evidence.json",
        )  # fmt: skip
    except InputError as exc:
        return [f"the signed subject selectors choose nothing from evidence.json: {exc}"]
    reported = {s.id for s in result.subjects}
    left_out = "the signed selectors choose it from evidence.json, and the report has no result for it"
    extra = "in the report, but the signed selectors do not choose it"
    return [f"{s}: {left_out if s not in reported else extra}" for s in sorted(set(chosen) ^ reported)]


def _threshold_problems(policies: PolicySet, thresholds: dict[str, Any]) -> list[str]:
    """The signed thresholds, held to the policy set's own model of them, as an audit holds a config's: a quoted
    number, a null or an unknown name never reaches a policy (where "0.1" would compare as text)."""
    from ailm.policy.thresholds import model, thresholds_of

    defaults = thresholds_of(policies.data)
    nulls = sorted(k for k, v in thresholds.items() if v is None)
    if nulls:
        return [f"the signed thresholds hold null for {', '.join(nulls)}"]
    try:
        model(defaults).model_validate(thresholds)
    except ValidationError as exc:
        first = exc.errors()[0]
        return [f"the signed thresholds are not the policy set's: {'.'.join(map(str, first['loc']))}: {first['msg']}"]
    return []


def _derived_differences(doc: dict[str, Any], result: AuditResult) -> list[str]:
    """What report.json derives from its results (the gate, the counts, the fleet, the crosswalk), derived again."""
    from ailm.policy import crosswalk

    again = {
        "gate": result.gate().model_dump(mode="json"),
        "counts": result.counts(),
        "fleet": result.fleet(),
        "crosswalk": [c.model_dump(mode="json") for c in crosswalk.build(result.results)],
    }
    return [
        f"report.json's {name} is not what its results give"
        for name, value in again.items()
        if sha256_json(doc.get(name)) != sha256_json(value)
    ]


def _version_reports(folder: Path, result: AuditResult) -> list[str]:
    """A fleet's per-version report.json files: each must be its version's part of the fleet's result."""
    from ailm.audit.publish import subject_view

    out: list[str] = []
    by_folder = {s.folder(): s.id for s in result.subjects}
    for path in sorted(folder.glob("*/*/report.json")):
        where = path.relative_to(folder).as_posix()
        subject = by_folder.get(path.parent.relative_to(folder).as_posix())
        if subject is None:
            out.append(f"{where}: no version of the audit has this folder")
            continue
        doc = _read(path)
        try:
            mine = AuditResult.from_report(doc)
        except (TypeError, ValueError) as exc:
            out.append(f"{where}: not an audit result ({type(exc).__name__})")
            continue
        view = subject_view(result, subject)
        if sha256_json(_decisions(mine)) != sha256_json(_decisions(view)) or doc.get("result_sha256") != (
            view.result_sha256()
        ):
            out.append(f"{where}: not {subject}'s part of the fleet's result")
        out.extend(f"{where}: {line}" for line in _derived_differences(doc, mine))
    return out


def _decisions(result: AuditResult) -> list[Any]:
    return sorted(
        [r.subject, r.control, r.status.value, r.severity.value, _findings(r), r.waiver.ticket if r.waiver else None]
        for r in result.results
    )


def _input_differences(
    raw: Any, pinput: PolicyInput, graph: LineageGraph, records: dict[str, Evidence], result: AuditResult
) -> list[str]:
    """What makes a recorded input other than the one evidence.json gives (its ``records`` by id, and the
    lineage ``graph`` built from it) and the report judged."""
    from ailm.evidence.model import _content
    from ailm.lineage import build_input

    subject = pinput.subject.id
    out: list[str] = []
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
            again = build_input(graph, subject, pinput.as_of, many=many)
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
    thresholds, waivers, selectors = _decided_with(folder)
    out = Reproduction()
    graph = LineageGraph.build(evidence)  # once: what the selectors choose from, and every input is built from
    records = {r.id: r for r in evidence.records}
    out.differences.extend(_chosen_differences(graph, selectors, result))
    out.differences.extend(_threshold_problems(policies, thresholds))
    if thresholds != result.thresholds:
        out.differences.append("report.json's thresholds are not the ones the audit signed as decided with")
    out.differences.extend(_derived_differences(doc, result))
    out.differences.extend(_version_reports(folder, result))
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
        if pinput.as_of != result.as_of:  # the clock the decisions were made at is the report's
            out.differences.append(
                f"the input of {pinput.subject.id} was judged as of {pinput.as_of.isoformat()}, the report says "
                f"{result.as_of.isoformat()}"
            )
        out.differences.extend(_input_differences(raw, pinput, graph, records, result))
    reported = {s.id for s in result.subjects}
    for subject in sorted(reported ^ set(by_subject)):
        where = "inputs.json records no input" if subject in reported else "the report has no subject"
        out.differences.append(f"{subject}: {where} for it")
    # every control of the policy set has exactly one result per subject: a report with results left out is
    # not a smaller audit that reproduces
    counted = Counter((r.subject, r.control) for r in result.results)
    for subject, cid in sorted({k for k in counted if k[1] not in controls}):
        out.differences.append(f"{cid} on {subject}: the report has a result for a control the policy set lacks")
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
        control, recorded = controls.get(r.control), by_subject.get(r.subject)
        if control is None or recorded is None:
            if control is not None:  # (a control the policy set lacks was named above)
                out.differences.append(f"{r.control} on {r.subject}: the input of {r.subject} is not recorded")
            continue
        if r.severity is not control.severity or r.stage != control.stage:
            out.differences.append(
                f"{r.control} on {r.subject}: the report says severity {r.severity.value}, stage {r.stage}; the "
                f"policy set says {control.severity.value}, {control.stage}"
            )
        if r.status is Status.ERROR:
            out.undecided += 1
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
        elif again.waiver != r.waiver:
            out.differences.append(f"{r.control} on {r.subject}: same status, another waiver")
        else:
            out.matched += 1
    return out
