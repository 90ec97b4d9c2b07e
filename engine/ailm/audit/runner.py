"""Run one audit: collect -> evidence set -> lineage graph -> policy inputs -> evaluate -> result."""

from __future__ import annotations

import fnmatch
import uuid
from collections.abc import Callable, Iterable, Set
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ailm import __version__, builtin
from ailm.analysis.runner import Plan, measure, plan
from ailm.analysis.settings import AnalysisSettings
from ailm.audit.parallel import Executor, Failed, Serial, executor
from ailm.canonical import sha256_json
from ailm.collectors import CollectContext, Collection
from ailm.collectors.cache import collect_cached
from ailm.config import LoadedConfig, SubjectSelector, load_config, load_remediation, load_waivers
from ailm.errors import AilmError, CollectorError, EvaluatorError, InputError, UnknownNameError
from ailm.evidence import ids
from ailm.evidence.model import Evidence, EvidenceSet, EvidenceView, PolicyInput
from ailm.lineage import LineageGraph, build_input
from ailm.plugins import Cardinality, Plugin, PluginError, cardinality, load
from ailm.policy import ControlMeta, Decision, PolicySet, load_policies
from ailm.policy import create as create_evaluator
from ailm.policy.evaluator import Evaluator
from ailm.policy.thresholds import check_overrides, thresholds_of
from ailm.redact import redact
from ailm.result import (
    AuditResult,
    ControlResult,
    EvidenceRef,
    FailOn,
    FindingOut,
    RemediationPlan,
    Status,
    SubjectSummary,
    Waiver,
    subject_folder,
)

Progress = Callable[[str], None]


@dataclass(frozen=True)
class AuditOptions:
    config_path: Path
    as_of: datetime
    fail_on: FailOn | None = None
    extra_policies: tuple[Path, ...] = ()
    evaluator: str | None = None  # None: the config's (evaluator.name), else embedded
    evaluator_settings: dict[str, Any] = field(default_factory=dict)  # from the command line: override the config's
    every: bool = False  # --all: every version of every registered model, whatever the config's subjects say
    workers: int | None = None  # --workers: a local Dask cluster of this many processes
    scheduler: str | None = None  # --scheduler: an existing Dask cluster (else AILM_DASK_SCHEDULER)
    horizon_days: tuple[int, ...] | None = None  # --horizon: overrides the config's horizon_days
    config: LoadedConfig | None = None  # config_path already read (the CLI reads it first, to check the key)


@dataclass(frozen=True)
class AuditRun:
    """A finished audit: the result, and what it was computed from."""

    result: AuditResult
    evidence: EvidenceSet
    inputs: list[PolicyInput]
    policies: PolicySet
    config: LoadedConfig
    waivers: list[Waiver] = field(default_factory=list)  # every waiver the audit decided with
    selectors: list[SubjectSelector] = field(default_factory=list)  # what the versions were chosen by


def _quiet(_: str) -> None:
    pass


def collect(loaded: LoadedConfig, as_of: datetime, progress: Progress = _quiet) -> tuple[EvidenceSet, list[str]]:
    """Run every collector; a failing required one ends the audit, an optional one leaves a note. Every record
    must carry a role its collector declares (a plugin that emits an undeclared role is an error)."""
    cache = loaded.path(loaded.config.cache) if loaded.config.cache else None
    ctx = CollectContext(base_dir=loaded.base_dir, as_of=as_of, cache_dir=cache)
    merged = Collection()
    notes: list[str] = []
    for configured in loaded.collectors:
        entry, plugin = configured.entry, configured.plugin
        where = f"{configured.where}: collector {entry.name}"
        if plugin is None:
            notes.append(redact(f"optional {where} skipped: {configured.broken}"))
            continue
        progress(f"collecting {entry.name}")
        try:
            part = collect_cached(entry.name, entry.settings(), plugin.build(configured.settings), ctx)
            undeclared = sorted({r.role for r in part.records if not _declares(plugin, r.role)})
            if undeclared:
                raise PluginError(
                    f"it emitted evidence role {undeclared[0]!r}, which its plugin does not declare "
                    f"(declared: {', '.join(sorted(plugin.roles)) or 'none'})"
                )
        except AilmError as exc:
            if entry.optional:
                notes.append(redact(f"optional {where} skipped: {exc}"))
                continue
            raise exc.within(where) from exc
        except Exception as exc:  # a collector bug must never pass silently
            if entry.optional:
                notes.append(redact(f"optional {where} skipped: {type(exc).__name__}: {exc}"))
                continue
            raise CollectorError(f"{where}: {type(exc).__name__}: {exc}") from exc
        notes.extend(redact(f"{where}: {note}") for note in part.notes)
        merged.records.extend(part.records)
        merged.nodes.extend(part.nodes)
        merged.edges.extend(part.edges)
    return EvidenceSet(records=_dedupe(merged.records), nodes=merged.nodes, edges=merged.edges), notes


def _declares(plugin: Plugin, role: str) -> bool:
    return role in plugin.roles or "*" in plugin.roles


def role_cardinality(loaded: LoadedConfig, chosen: Iterable[Plugin]) -> dict[str, Cardinality]:
    """One or many records per subject, for every role the audit's collectors and analyzers declare."""
    used = [c.plugin for c in loaded.collectors if c.plugin is not None]
    roles = cardinality([*used, *chosen])
    roles.pop("*", None)
    return roles


def _dedupe(records: list[Evidence]) -> list[Evidence]:
    seen: dict[str, Evidence] = {}
    for r in records:
        if r.id in seen and seen[r.id].sha256 != r.sha256:
            raise InputError(f"evidence {r.id} was collected twice with different content")
        seen.setdefault(r.id, r)
    return list(seen.values())


def _reg(graph: LineageGraph, version: str) -> Evidence | None:
    """The version's registry record (the one every selector and check of a version reads)."""
    return next((r for r in graph.evidence_of([version]) if r.role == ids.REG), None)


def _registered_at(graph: LineageGraph, version: str) -> datetime | None:
    reg = _reg(graph, version)
    created = reg.data.get("created_at") if reg is not None else None
    if isinstance(created, str):
        try:
            return datetime.fromisoformat(created.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def selectors_of(loaded: LoadedConfig, *, every: bool = False) -> list[SubjectSelector]:
    """What the audit selects its versions by: the config's ``subjects:``, or with --all every version."""
    return [SubjectSelector(model="*", version="*")] if every else list(loaded.config.subjects)


def select_subjects(
    graph: LineageGraph, loaded: LoadedConfig, as_of: datetime, notes: list[str], *, every: bool = False
) -> list[str]:
    """The versions the config selects among those registered by the audit clock: an audit as of a past date
    sees only what existed then (a version registered later is left out, with a note)."""
    return choose_subjects(
        graph, selectors_of(loaded, every=every), as_of, notes,
        where=lambda i: loaded.source.where(("subjects", i)), source=str(loaded.source.path),
    )  # fmt: skip


def choose_subjects(
    graph: LineageGraph,
    selectors: list[SubjectSelector],
    as_of: datetime,
    notes: list[str],
    *,
    where: Callable[[int], str],
    source: str,
) -> list[str]:
    """:func:`select_subjects` by the selectors themselves (``where(i)`` names selector i in a message), as
    ``ailm verify --reproduce`` chooses again from the signed selectors and evidence.json."""
    versions, later = [], []
    for v in graph.nodes_of_type("model_version"):
        at = _registered_at(graph, v)
        if at is not None and at > as_of:
            later.append(v)
            notes.append(f"{v} was registered at {at.isoformat()}, after the audit clock, and is not audited")
        else:
            versions.append(v)
    if not selectors:
        chosen = versions
    else:
        chosen = []
        for i, sel in enumerate(selectors):
            if sel.is_glob():  # each model the glob matches must have a version the selector picks, or say so
                names = sorted({str(graph.node(v).attrs.get("name")) for v in [*versions, *later]})
                matched = [n for n in names if fnmatch.fnmatchcase(n, sel.model)]
                if not matched:
                    raise InputError(
                        f"{where(i)}: subjects[{i}]: no registered model matches "
                        f"{sel.model!r} (found: {', '.join(names) or 'none'})"
                    )
                for name in matched:
                    mine = [v for v in versions if graph.node(v).attrs.get("name") == name]
                    picked = _filter(graph, _pick(graph, mine, sel.version), sel)
                    if not picked:
                        notes.append(
                            f"subjects[{i}] ({_describe(sel)}): model {name} has no version that matches, "
                            f"so it is not audited (versions: {', '.join(mine) or 'none'})"
                        )
                    chosen.extend(p for p in picked if p not in chosen)
                continue
            mine = [v for v in versions if graph.node(v).attrs.get("name") == sel.model]
            picked = _filter(graph, _pick(graph, mine, sel.version), sel)
            too_new = _pick(graph, [v for v in later if graph.node(v).attrs.get("name") == sel.model], sel.version)
            if not picked and too_new:
                raise InputError(
                    f"{where(i)}: subjects[{i}]: {', '.join(too_new)} was registered "
                    f"after the audit clock ({as_of.isoformat()}), so it did not exist then"
                )
            if not picked:
                what = (
                    f"version {sel.version!r}" if not (sel.tags or sel.stage) else f"version matching {_describe(sel)}"
                )
                raise InputError(
                    f"{where(i)}: subjects[{i}]: no {what} of model "
                    f"{sel.model!r} was collected (found: {', '.join(mine) or 'none'})"
                )
            chosen.extend(p for p in picked if p not in chosen)
    if not chosen:
        raise InputError(f"{source}: no model version was collected, so there is nothing to audit")
    return chosen


def check_folders(graph: LineageGraph, subjects: list[str]) -> None:
    """Before any work: two versions of a fleet whose own reports would go to one folder (the same name, or names
    that differ only in case, which a file system that ignores case, where an auditor may copy the folder,
    cannot keep apart) stop the audit, naming both."""
    if len(subjects) < 2:
        return  # one version's reports are the audit's own, in no folder of their own
    seen: dict[str, tuple[str, str]] = {}
    for subject in subjects:
        attrs = graph.node(graph.resolve(subject)).attrs  # the name and version its report is filed under
        version = attrs.get("version")
        folder = subject_folder(str(attrs.get("name", subject)), None if version is None else str(version))
        other = seen.setdefault(folder.casefold(), (subject, folder))
        if other[0] != subject:
            same = "the same folder" if other[1] == folder else f"folders that differ only in case ({other[1]}/ and)"
            raise InputError(
                f"{other[0]} and {subject} would write their reports to {same} {folder}/; audit them apart "
                "(subjects in two configs) or rename one"
            )


def _describe(sel: SubjectSelector) -> str:
    parts = [f"model {sel.model!r}", f"version {sel.version!r}"]
    parts += [f"tag {k}={v!r}" for k, v in sorted(sel.tags.items())]
    parts += [f"stage {sel.stage!r}"] if sel.stage else []
    return ", ".join(parts)


def _filter(graph: LineageGraph, versions: list[str], sel: SubjectSelector) -> list[str]:
    """The versions whose registry record has every tag the selector names, and its stage."""
    if not sel.tags and sel.stage is None:
        return versions
    out = []
    for v in versions:
        reg = _reg(graph, v)
        tags = reg.data.get("tags") if reg is not None else None
        tags = tags if isinstance(tags, dict) else {}
        stage = reg.data.get("stage") if reg is not None else None
        if all(tags.get(k) == want for k, want in sel.tags.items()) and (sel.stage is None or stage == sel.stage):
            out.append(v)
    return out


def _pick(graph: LineageGraph, versions: list[str], wanted: str) -> list[str]:
    def number(v: str) -> int:
        return int(graph.node(v).attrs.get("version", "0"))

    if wanted == "*":
        return versions
    if wanted == "latest":
        return [max(versions, key=number)] if versions else []
    if wanted.startswith("@"):
        alias = wanted[1:]
        return [v for v in versions if (reg := _reg(graph, v)) is not None and alias in reg.data.get("aliases", [])]
    return [v for v in versions if graph.node(v).attrs.get("version") == wanted]


def _status(decision: Decision) -> Status:
    if decision.error is not None:
        return Status.ERROR
    if decision.deny:
        return Status.FAIL
    if decision.warn:
        return Status.WARN
    if decision.not_applicable:
        return Status.NOT_APPLICABLE
    return Status.PASS


def _in_scope(control: ControlMeta, pinput: PolicyInput) -> list[str]:
    return _in_scope_roles(control.evidence, pinput)


def _in_scope_roles(roles: Iterable[str], pinput: PolicyInput) -> list[str]:
    ids: list[str] = []
    for role in roles:
        value = pinput.evidence.get(role)
        views = value if isinstance(value, list) else [value] if isinstance(value, EvidenceView) else []
        ids.extend(v.id for v in views)
    return ids


def control_result(
    control: ControlMeta, decision: Decision, pinput: PolicyInput, waivers: list[Waiver], as_of: datetime
) -> ControlResult:
    findings = [FindingOut(level="deny", message=f.message, evidence=list(f.evidence)) for f in decision.deny]
    findings += [FindingOut(level="warn", message=f.message, evidence=list(f.evidence)) for f in decision.warn]
    # "does not apply" rests on the evidence the control looked at (or, with none, on the version's record)
    scope = _in_scope(control, pinput) or _in_scope_roles((ids.REG,), pinput)
    findings += [
        FindingOut(level="not_applicable", message=f.message, evidence=list(f.evidence) or scope)
        for f in decision.not_applicable
    ]
    if decision.error is not None:
        findings = [FindingOut(level="error", message=decision.error)]
    status = _status(decision)
    applied = None
    if status in (Status.FAIL, Status.WARN):
        for w in waivers:
            if w.control != control.id or not fnmatch.fnmatchcase(pinput.subject.id, w.subject):
                continue
            if w.expires <= as_of:
                findings.append(
                    FindingOut(
                        level="deny",
                        message=f"waiver {w.ticket} approved by {w.approver} expired on "
                        f"{w.expires.date().isoformat()} and no longer waives this control",
                    )
                )
            else:
                applied = w
        if applied is not None:
            status = Status.WAIVED
    evidence = sorted({e for f in findings for e in f.evidence} | set(_in_scope(control, pinput)))
    return ControlResult(
        control=control.id,
        title=control.title,
        description=control.description,
        severity=control.severity,
        stage=control.stage,
        subject=pinput.subject.id,
        status=status,
        findings=findings,
        evidence=evidence,
        remediation=control.remediation,
        frameworks=control.frameworks,
        policy_file=control.path,
        waiver=applied,
    )


OPEN = (Status.FAIL, Status.WARN, Status.ERROR, Status.WAIVED)


def with_plans(
    results: list[ControlResult], plans: list[RemediationPlan], as_of: datetime, notes: list[str]
) -> list[ControlResult]:
    """Each open result (fail, warn, error, waived) with the organisation's plan for it: the one naming its subject
    exactly, else the first whose glob matches; overdue when due before the audit's day. A plan that matches no open
    result is noted (the control holds, or the subject is gone: the plan can be closed)."""
    if not plans:
        return results
    used: set[int] = set()
    out = []
    for r in results:
        if r.status not in OPEN:
            out.append(r)
            continue
        mine = [
            (i, p) for i, p in enumerate(plans) if p.control == r.control and fnmatch.fnmatchcase(r.subject, p.subject)
        ]
        if not mine:
            out.append(r)
            continue
        i, chosen = next(((i, p) for i, p in mine if p.subject == r.subject), mine[0])
        used.add(i)
        out.append(r.model_copy(update={"plan": chosen, "plan_overdue": chosen.due < as_of.date()}))
    for i, p in enumerate(plans):
        if i not in used:
            notes.append(f"remediation plan {p.ticket} ({p.control} on {p.subject}) matches no open finding: "
                         "the control holds or the subject is not audited; the plan can be closed")  # fmt: skip
    return out


def policy_folders(loaded: LoadedConfig, extra: tuple[Path, ...]) -> list[Path]:
    folders = [builtin.policies()] if loaded.config.builtin_policies else []
    folders += [loaded.path(p) for p in loaded.config.policies]
    folders += [Path(p).resolve() for p in extra]
    if not folders:
        raise InputError(f"{loaded.source.path}: builtin_policies is false and no policies folder is given")
    return folders


def analyzer_plugins(settings: AnalysisSettings | None) -> list[Plugin]:
    return [load("analyzer", name) for name in settings.analyzers] if settings is not None else []


def evaluator_choice(loaded: LoadedConfig, opts: AuditOptions) -> tuple[str, BaseModel]:
    """The evaluator and its settings: the config's ``evaluator:`` block, the command line's flags over it. The
    config's settings apply only to the evaluator it names; a token is never taken from the config file."""
    entry = loaded.config.evaluator
    name = opts.evaluator or entry.name
    from_config = entry.settings() if name == entry.name else {}
    if "token" in from_config:
        raise loaded.source.error(
            ("evaluator", "token"), "a token does not belong in a config file: use --opa-token or AILM_OPA_TOKEN"
        )
    try:
        plugin = load("evaluator", name)
    except UnknownNameError as exc:
        where = "--evaluator" if opts.evaluator else f"{loaded.source.where(('evaluator', 'name'))}: evaluator.name"
        raise InputError(f"{where}: {exc.message}") from None
    for key in ("ca_cert", "client_cert", "client_key"):  # paths in the config are relative to it
        if isinstance(from_config.get(key), str):
            from_config[key] = str(loaded.path(from_config[key]))
    plugin.configure(from_config, loaded.source, ("evaluator",))  # a mistake in the file names its line
    # the --opa-* flags (and their environment variables) apply to an evaluator that has such settings
    fields = plugin.settings.model_fields
    given = {k: v for k, v in opts.evaluator_settings.items() if v is not None and k in fields}
    return name, plugin.configure({**from_config, **given})


def _artifact_problem(graph: LineageGraph, subject: str) -> str | None:
    reg = _reg(graph, subject)
    problem = reg.data.get("artifact_problem") if reg is not None else None
    return problem if isinstance(problem, str) else None


NOW_OK = (Status.PASS, Status.WARN, Status.WAIVED, Status.NOT_APPLICABLE)


def project(
    graph: LineageGraph,
    subject: str,
    policies: PolicySet,
    evaluator: Evaluator,
    waivers: list[Waiver],
    as_of: datetime,
    horizons: list[int],
    many: Set[str],
    now: list[ControlResult],
    now_input: PolicyInput,
) -> list[dict[str, Any]]:
    """What will expire: the same evidence judged at ``as_of`` + each horizon (facts known at ``as_of`` only,
    nothing re-measured), and every control that does not fail now but fails or errs then, with the first day it
    does (found by bisection between the horizons) and the cause: a declared fact that will have expired, a
    waiver that will have lapsed, or a date the control reads (a maximum age, a review due) that the clock will
    have passed."""
    from datetime import timedelta

    status_now = {r.control: r for r in now}
    expired_now = {x.id for x in now_input.expired}
    judged: dict[int, tuple[PolicyInput, dict[str, Any]]] = {}

    def at(days: int) -> tuple[PolicyInput, dict[str, Any]]:
        if days not in judged:
            pinput = build_input(graph, subject, as_of + timedelta(days=days), many=many, known_at=as_of)
            decisions = evaluator.evaluate(pinput.model_dump(mode="json"))
            judged[days] = (pinput, decisions if isinstance(decisions, dict) else {})
        return judged[days]

    def fails(control: ControlMeta, days: int) -> ControlResult | None:
        pinput, decisions = at(days)
        decision = decisions.get(control.id)
        if not isinstance(decision, Decision):
            return None
        then = control_result(control, decision, pinput, waivers, as_of + timedelta(days=days))
        return then if then.status in (Status.FAIL, Status.ERROR) else None

    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    previous = 0
    for days in sorted(set(horizons)):
        for control in policies.controls:
            current = status_now.get(control.id)
            if control.id in seen or current is None or current.status not in NOW_OK:
                continue
            then = fails(control, days)
            if then is None:
                continue
            seen.add(control.id)
            lo, hi = previous, days  # it holds at lo (or lo is today) and fails at hi: the first failing day
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if fails(control, mid) is not None:
                    hi = mid
                else:
                    lo = mid
            then = fails(control, hi) or then
            pinput = at(hi)[0]
            lapsing = [e for e in pinput.expired if e.id not in expired_now]
            causes = [
                f"declared fact {e.id} ({e.role}) expires on {e.expires.date().isoformat()}"
                for e in lapsing
                if e.role in control.evidence and e.expires is not None
            ]
            if current.status is Status.WAIVED and current.waiver is not None:
                causes.append(f"waiver {current.waiver.ticket} expires on {current.waiver.expires.date().isoformat()}")
            if not causes:
                causes = ["the clock passes a date the control reads (a maximum age, a review or validation due)"]
            out.append(
                {
                    "subject": subject,
                    "control": control.id,
                    "title": control.title,
                    "severity": control.severity.value,
                    "now": current.status.value,
                    "then": then.status.value,
                    "by": (as_of + timedelta(days=hi)).date().isoformat(),
                    "within_days": days,
                    "causes": causes,
                    "finding": then.findings[0].message if then.findings else "",
                }
            )
        previous = days
    return out


@dataclass(frozen=True)
class Measuring:
    """What a worker needs to measure any subject."""

    graph: LineageGraph
    plan: Plan


def measure_subject(job: Measuring, subject: str) -> tuple[list[Evidence], dict[str, str]]:
    return measure(job.graph, subject, job.plan)


@dataclass(frozen=True)
class Judging:
    """What a worker needs to evaluate any subject now and at the horizons. ``token`` names this audit's
    evaluator, built once per process (the audit's own process already holds it)."""

    token: str
    graph: LineageGraph
    policies: PolicySet
    evaluator: str
    evaluator_settings: BaseModel
    waivers: list[Waiver]
    as_of: datetime
    horizons: list[int]
    many: frozenset[str]
    failed: dict[str, dict[str, str]]  # subject -> role -> why it could not be measured
    lost: dict[str, str]  # subject -> why its measuring broke as a whole (a worker died under it)


@dataclass(frozen=True)
class Judged:
    pinput: PolicyInput
    summary: SubjectSummary
    results: list[ControlResult]
    upcoming: list[dict[str, Any]]


_EVALUATORS: dict[str, Evaluator] = {}  # token -> the evaluator of an audit, one per process
_MADE_HERE: list[str] = []  # the tokens whose evaluator a worker built (the newest audit's is kept)


def _evaluator_for(job: Judging) -> Evaluator:
    if job.token not in _EVALUATORS:
        import contextlib
        import multiprocessing

        while _MADE_HERE:  # a long-lived worker keeps no evaluator (nor its child process) of an earlier audit
            old = _EVALUATORS.pop(_MADE_HERE.pop(), None)
            with contextlib.suppress(Exception):
                getattr(old, "close", lambda: None)()

        if multiprocessing.current_process().daemon:
            raise EvaluatorError(
                f"the {job.evaluator} evaluator runs its policies in a child process, which a daemonic Dask worker "
                "may not start: run the cluster's workers with distributed.worker.daemon: false "
                "(DASK_DISTRIBUTED__WORKER__DAEMON=False)"
            )
        _EVALUATORS[job.token] = create_evaluator(job.evaluator, job.policies, job.evaluator_settings)
        _MADE_HERE.append(job.token)
    return _EVALUATORS[job.token]


def judge_subject(job: Judging, subject: str) -> Judged:
    """Evaluate one subject's controls at the audit clock, then at each horizon."""
    evaluator = _evaluator_for(job)
    pinput = build_input(job.graph, subject, job.as_of, many=job.many)
    payload = pinput.model_dump(mode="json")
    decisions = evaluator.evaluate(payload)
    problem = _artifact_problem(job.graph, subject)  # this version cannot be audited; the others can
    results = []
    for control in job.policies.controls:
        decision = decisions.get(control.id) if isinstance(decisions, dict) else None
        if decision is None:
            decision = Decision(error=f"the {job.evaluator} evaluator returned no decision for it")
        elif not isinstance(decision, Decision):  # a third-party evaluator that breaks its contract
            decision = Decision(error=f"the {job.evaluator} evaluator returned a {type(decision).__name__}")
        broken = [why for role, why in sorted(job.failed.get(subject, {}).items()) if role in control.evidence]
        if problem:
            broken = [f"{subject} cannot be audited: {problem}"]
        if subject in job.lost:
            broken = [job.lost[subject]]
        if broken:  # the control reads a measurement that failed: no decision, with the cause
            decision = Decision(error="; ".join(broken))
        results.append(control_result(control, decision, pinput, job.waivers, job.as_of))
    upcoming = project(
        job.graph, subject, job.policies, evaluator, job.waivers, job.as_of, job.horizons, job.many, results, pinput
    )
    return Judged(pinput, _summary(pinput, payload), results, upcoming)


def _summary(pinput: PolicyInput, payload: dict[str, Any]) -> SubjectSummary:
    s = pinput.subject
    return SubjectSummary(id=s.id, name=s.name, version=s.version, input_sha256=sha256_json(payload))


def _unjudged(job: Judging, subject: str, cause: str) -> Judged:
    """A subject whose evaluation broke (its worker died, or raised): every control ``error``, with the cause."""
    pinput = build_input(job.graph, subject, job.as_of, many=job.many)
    why = Decision(error=f"{subject} could not be evaluated: {cause}")
    results = [control_result(c, why, pinput, job.waivers, job.as_of) for c in job.policies.controls]
    return Judged(pinput, _summary(pinput, pinput.model_dump(mode="json")), results, [])


@dataclass(frozen=True)
class Prepared:
    """What an audit decides with, made before any evidence is read: the policies, waivers and remediation
    plans, and the evaluator, started (the embedded one may still be compiling: run_audit waits for it)."""

    loaded: LoadedConfig
    policies: PolicySet
    waivers: list[Waiver]
    plans: list[RemediationPlan]
    evaluator_name: str
    evaluator_settings: BaseModel
    evaluator: Evaluator


def prepare(opts: AuditOptions) -> Prepared:
    """Load the policies and start the evaluator: a policy that does not parse, a waiver or threshold that names
    nothing stops the audit here; what an evaluator started in the background finds (a policy that does not
    compile, a worker that cannot start) stops it at the evaluator's ``ready()``, which :func:`run_audit` calls
    before any evidence is read."""
    loaded = opts.config or load_config(opts.config_path)
    cfg = loaded.config
    policies = load_policies(policy_folders(loaded, opts.extra_policies))
    waivers = load_waivers(loaded.path(cfg.waivers), {c.id for c in policies.controls}) if cfg.waivers else []
    plans = load_remediation(loaded.path(cfg.remediation), {c.id for c in policies.controls}) if cfg.remediation else []
    evaluator_name, evaluator_settings = evaluator_choice(loaded, opts)
    if getattr(evaluator_settings, "mode", None) == "query" and cfg.thresholds:
        raise InputError(
            f"{loaded.source.where(('thresholds',))}: thresholds: an OPA in query mode decides with the data of the "
            "bundle it serves, so thresholds set here would not apply; put them in the bundle's data.json"
        )
    check_overrides(thresholds_of(policies.data), loaded.source.data.get("thresholds", {}), loaded.source)
    policies = policies.with_data({"ailm": {"thresholds": cfg.thresholds}})
    evaluator: Evaluator = create_evaluator(evaluator_name, policies, evaluator_settings)
    return Prepared(loaded, policies, waivers, plans, evaluator_name, evaluator_settings, evaluator)


def run_audit(
    opts: AuditOptions, progress: Progress = _quiet, pool: Executor | None = None, prepared: Prepared | None = None
) -> AuditRun:
    """The audit; per-subject work on ``pool`` (else on the executor ``opts`` asks for, opened here), with what
    :func:`prepare` made (made here when not given)."""
    if prepared is None:
        progress("loading policies")
        prepared = prepare(opts)
    loaded = prepared.loaded
    cfg = loaded.config
    as_of = opts.as_of
    policies, waivers, plans = prepared.policies, prepared.waivers, prepared.plans
    evaluator_name, evaluator_settings, evaluator = (
        prepared.evaluator_name,
        prepared.evaluator_settings,
        prepared.evaluator,
    )
    ready = getattr(evaluator, "ready", None)  # an evaluator that started in the background (the embedded one)
    if callable(ready):
        ready()  # a policy that does not compile, or a worker that cannot start, stops the audit before any evidence

    evidence, notes = collect(loaded, as_of, progress)
    graph = LineageGraph.build(evidence)
    subjects = select_subjects(graph, loaded, as_of, notes, every=opts.every)
    check_folders(graph, subjects)
    failed: dict[str, dict[str, str]] = {}
    lost: dict[str, str] = {}
    many = {role for role, card in role_cardinality(loaded, analyzer_plugins(cfg.analysis)).items() if card == "many"}
    horizons = list(opts.horizon_days) if opts.horizon_days is not None else cfg.horizon_days
    token = str(uuid.uuid4())
    _EVALUATORS[token] = evaluator
    try:
        with nullcontext(pool) if pool is not None else executor(opts.workers, opts.scheduler) as pool:
            progress(f"per-subject work on {pool.name}")
            if cfg.analysis is not None:
                p = plan(
                    cfg.analysis, base_dir=loaded.base_dir, where=loaded.source.where(("analysis",)), as_of=as_of,
                    src=loaded.source,
                )  # fmt: skip
                progress(f"measuring {len(subjects)} model version(s)")
                measured: list[Evidence] = []
                got_all = pool.map(measure_subject, Measuring(graph, p), subjects)
                for subject, got in zip(subjects, got_all, strict=True):
                    if isinstance(got, Failed):  # nothing of what its worker did is known: the subject is error
                        lost[subject] = f"{subject} could not be measured: {got.cause}"
                        got = ([], {role: f"analysis of {subject}: {got.cause}" for role in p.roles})
                    records, why = got
                    measured.extend(records)
                    if why:
                        failed[subject] = why
                evidence = EvidenceSet(
                    records=[*evidence.records, *measured], nodes=evidence.nodes, edges=evidence.edges
                )
                for record in measured:
                    graph.attach(record)
                for subject in sorted(failed):  # every control that reads one is error; the report says each cause
                    notes.extend(redact(why) for _, why in sorted(failed[subject].items()))
            progress(f"evaluating {len(subjects)} model version(s)")
            job = Judging(
                token, graph, policies, evaluator_name, evaluator_settings, waivers, as_of, horizons,
                frozenset(many), failed, lost,
            )  # fmt: skip
            # an evaluator that asks a server is asked from here (its token never leaves this process)
            where_to = pool if evaluator_name == "embedded" else Serial()
            judged = [
                _unjudged(job, subject, got.cause) if isinstance(got, Failed) else got
                for subject, got in zip(subjects, where_to.map(judge_subject, job, subjects), strict=True)
            ]
    finally:
        _EVALUATORS.pop(token, None)
    inputs = [j.pinput for j in judged]
    results = with_plans([r for j in judged for r in j.results], plans, as_of, notes)
    summaries = [j.summary for j in judged]
    upcoming = sorted(
        (u for j in judged for u in j.upcoming), key=lambda u: (u["within_days"], u["subject"], u["control"])
    )

    result = AuditResult(
        audit_id=str(uuid.uuid4()),
        name=cfg.name,
        as_of=as_of,
        generated_at=datetime.now(UTC),
        ailm_version=__version__,
        evaluator=evaluator_name,
        fail_on=opts.fail_on or cfg.fail_on,
        subjects=summaries,
        results=results,
        notes=notes,
        evidence_sha256=evidence.digest(),
        evidence_count=len(evidence.records),
        evidence_index=[EvidenceRef.of(r) for r in sorted(evidence.records, key=lambda r: r.id)],
        policy_sha256=policies.digest(),
        policy_files=policies.manifest(),
        thresholds=thresholds_of(policies.data),
        upcoming=upcoming,
    )
    return AuditRun(
        result=result,
        evidence=evidence,
        inputs=inputs,
        policies=policies,
        config=loaded,
        waivers=list(waivers),
        selectors=selectors_of(loaded, every=opts.every),
    )
