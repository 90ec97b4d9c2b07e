"""Run the analyzers for each subject and turn what they measure into evidence records.

A record holds what was measured, how (analyzer, method version, library versions, settings, seed) and on
what (the model's artifact digest, every dataset's sha256). The same inputs give the same record and the
same digest, so results are cached under a key made of exactly those: a re-audit of an unchanged model on
unchanged data recomputes nothing and imports none of the numeric libraries.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from ailm import __version__
from ailm.analysis.context import AnalysisContext, Analyzer, DatasetRef, path_of, resolve_dataset
from ailm.analysis.settings import AnalysisSettings
from ailm.canonical import canonical_json, sha256_json
from ailm.errors import AilmError, AnalysisError, InputError
from ailm.evidence import ids
from ailm.evidence.model import Evidence, Source
from ailm.fsutil import write_atomic
from ailm.lineage import LineageGraph
from ailm.plugins import Plugin, PluginError, load
from ailm.yamlsrc import YamlSource

METHOD_VERSION = "6"  # bump when an analyzer's method changes, so cached results are not reused
Progress = Callable[[str], None]


def _versions(names: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for n in names:
        try:
            out[n] = metadata.version(n)
        except metadata.PackageNotFoundError:
            out[n] = "not installed"
    return out


def cache_dir(settings: AnalysisSettings, base_dir: Path) -> Path | None:
    import os

    if settings.no_cache:
        return None
    if settings.cache:
        return (base_dir / settings.cache).resolve()
    if os.environ.get("AILM_CACHE_DIR"):
        return Path(os.environ["AILM_CACHE_DIR"]).resolve()
    return Path.home() / ".cache" / "ailm" / "analysis"


SPLIT_NAMES = {
    "train": "train", "training": "train",
    "validation": "validation", "valid": "validation", "val": "validation", "eval": "validation",
    "evaluation": "validation", "dev": "validation",
    "test": "test", "testing": "test", "holdout": "test",
}  # fmt: skip


def split_of(context: Any) -> str | None:
    """MLflow's dataset context as a split name: training and train are one split."""
    if not isinstance(context, str) or not context.strip():
        return None
    return SPLIT_NAMES.get(context.strip().lower(), context.strip().lower())


Configured = tuple[dict[str, DatasetRef], DatasetRef | None]


def logged_by_run(record: Evidence) -> dict[str, Any]:
    """What the tracking store recorded of a dataset input: its own digest and its profile's size (MLflow's
    pandas profile: num_rows, num_elements). A claim, reconciled with the file by the data analyzer."""
    profile = record.data.get("profile")
    profile = profile if isinstance(profile, dict) else {}
    return {
        "evidence": record.id,
        "digest": record.data.get("digest"),
        "rows": profile.get("num_rows"),
        "elements": profile.get("num_elements"),
    }


def configured_files(settings: AnalysisSettings, base_dir: Path, where: str) -> Configured:
    """The files the config names (analysis.datasets by role, and analysis.sensitive_data), hashed once for
    every subject; one that is not there stops the audit (bad input)."""
    datasets = {
        role: resolve_dataset(role, spec, base_dir, f"{where}: analysis.datasets.{role}")
        for role, spec in sorted(settings.datasets.items())
    }
    side = None
    if settings.sensitive_data:
        spec = settings.sensitive_data.path
        side = resolve_dataset("sensitive", spec, base_dir, f"{where}: analysis.sensitive_data")
    return datasets, side


def build_context(
    graph: LineageGraph,
    subject: str,
    settings: AnalysisSettings,
    base_dir: Path,
    where: str,
    configured: Configured | None = None,
) -> AnalysisContext:
    records = graph.evidence_of(graph.closure(subject))
    reg = [r for r in records if r.role == ids.REG and r.subject == subject]
    if not reg or not reg[0].data.get("artifact_location"):
        raise InputError(f"{where}: {subject} has no registry record with a model artifact to analyse")
    model = reg[0]
    datasets: dict[str, DatasetRef] = {}
    # The version's own run says which data it was trained and tested on, by digest: a retrained version
    # under the same dataset names must be measured on its own files, never on an older version's.
    runs = [r for r in records if r.role == ids.RUN and r.data.get("run_id") == model.data.get("run_id")]
    chosen: dict[str, str] = {}  # split -> the ds record it comes from
    for entry in runs[0].data.get("datasets") or [] if runs else []:
        r = graph.records.get(str(entry.get("evidence")))
        context = split_of(entry.get("context"))
        source = r.data.get("source") if r is not None else None
        uri = source.get("uri") if isinstance(source, dict) else None
        if r is None or not context or not uri or path_of(uri) is None:
            continue
        if context in chosen and chosen[context] != r.id:
            raise InputError(
                f"{where}: {subject}: its run names two {context} datasets, {chosen[context]} and {r.id}; "
                "name the one to measure under analysis.datasets"
            )
        chosen[context] = r.id
        ref = resolve_dataset(context, uri, base_dir, f"{r.id} (source {uri})")
        datasets[context] = dataclasses.replace(ref, evidence=r.id, logged=logged_by_run(r))
    named, side = configured if configured is not None else configured_files(settings, base_dir, where)
    for role, ref in named.items():  # a file the config names for a split the run logged is held to that log too
        logged = datasets[role].logged if role in datasets else None
        datasets[role] = dataclasses.replace(ref, logged=logged)
    if settings.sensitive_features is not None:
        sensitive, sensitive_from = list(settings.sensitive_features), f"{where}: analysis.sensitive_features"
    else:
        plans = [r for r in records if r.role == ids.PLAN and isinstance(r.data.get("sensitive_features"), list)]
        sensitive = [str(f) for f in plans[0].data["sensitive_features"]] if plans else []
        sensitive_from = plans[0].id if plans else "none declared"
    facts = {str(r.data.get("name", r.subject.split(":", 1)[-1])): r.data for r in records if r.role == ids.DS_FACTS}
    declared = [r for r in records if r.role == ids.PLAN and isinstance(r.data.get("success_metrics"), list)]
    metrics = [m.get("metric") for m in declared[0].data["success_metrics"] if isinstance(m, dict)] if declared else []
    return AnalysisContext(
        subject=subject,
        settings=settings,
        model_uri=str(model.data["artifact_location"]),
        model_digest=str(model.data.get("artifact_digest")),
        model_evidence=model.id,
        datasets=datasets,
        sensitive_features=sensitive,
        sensitive_from=sensitive_from,
        sensitive_file=side,
        dataset_facts=facts,
        success_metrics=sorted({m for m in metrics if isinstance(m, str) and m.strip()}),
        success_metrics_from=declared[0].id if declared else "none declared",
    )


@dataclass(frozen=True)
class _Chosen:
    plugin: Plugin
    role: str
    analyzer: Analyzer


def analyzers(settings: AnalysisSettings, src: YamlSource | None = None) -> list[_Chosen]:
    """The analyzer plugins the settings name, each built from its own validated options."""
    unknown = sorted(set(settings.options) - set(settings.analyzers))
    if unknown:
        raise InputError(f"analysis.options.{unknown[0]}: no analyzer {unknown[0]!r} is run (analysis.analyzers)")
    out = []
    for name in settings.analyzers:
        plugin = load("analyzer", name)
        if len(plugin.roles) != 1 or "*" in plugin.roles:
            raise PluginError(f"analyzer {name!r} must declare exactly one evidence role, got {sorted(plugin.roles)}")
        options = plugin.configure(settings.options.get(name, {}), src, ("analysis", "options", name))
        analyzer = plugin.build(options)
        if not isinstance(analyzer, Analyzer):
            raise PluginError(f"analyzer {name!r} built a {type(analyzer).__name__}, not an ailm Analyzer")
        out.append(_Chosen(plugin, next(iter(plugin.roles)), analyzer))
    return out


def _settings_view(settings: AnalysisSettings) -> dict[str, Any]:
    return settings.model_dump(mode="json", exclude={"cache", "no_cache", "analyzers", "datasets"})


@dataclass(frozen=True)
class Plan:
    """What every subject's analysis shares: the settings, the files the config names (hashed once), the
    cache folder, and the audit clock. Plain data, so it can be sent to a worker process."""

    settings: AnalysisSettings
    base_dir: Path
    where: str
    as_of: datetime
    configured: Configured
    cache: Path | None
    roles: tuple[str, ...]  # the evidence roles the chosen analyzers fill


def plan(
    settings: AnalysisSettings, *, base_dir: Path, where: str, as_of: datetime, src: YamlSource | None = None
) -> Plan:
    """Check the analyzers and their options, and hash the files the config names: a file that is not there
    stops the audit (bad input) before any subject is measured."""
    roles = tuple(a.role for a in analyzers(settings, src))
    configured = configured_files(settings, base_dir, where)
    return Plan(settings, base_dir, where, as_of, configured, cache_dir(settings, base_dir), roles)


def measure(
    graph: LineageGraph, subject: str, p: Plan, progress: Progress = lambda _: None
) -> tuple[list[Evidence], dict[str, str]]:
    """One subject's measured records, and what could not be measured: {role: why}. What fails here (its
    artifact will not load, a column is missing, an explainer breaks) fails this subject's roles, with the
    cause, and nothing else."""
    chosen = analyzers(p.settings)
    settings, as_of = p.settings, p.as_of
    records: list[Evidence] = []
    failed: dict[str, str] = {}
    try:
        ctx = build_context(graph, subject, settings, p.base_dir, p.where, p.configured)
    except AilmError as exc:
        return [], {a.role: f"analysis of {subject}: {exc}" for a in chosen}
    inputs = ctx.inputs_digest_view()
    evaluated = ctx.datasets.get(settings.evaluate_on) or next(iter(ctx.datasets.values()), None)
    uri = evaluated.path.as_uri() if evaluated else ctx.model_uri
    for a in chosen:
        name = a.plugin.name
        if any(role not in ctx.datasets for role in a.analyzer.needs):
            continue  # e.g. drift with no current data: the controls that read it say it is unmeasured
        method = {
            "analyzer": name,
            "method_version": METHOD_VERSION,
            "ailm": __version__,
            "libraries": _versions(a.plugin.libraries),
            "settings": _settings_view(settings),
        }
        scope = {"as_of_date": as_of.date().isoformat()} if a.analyzer.dated else {}
        key = sha256_json({"method": method, "inputs": inputs, **scope})
        result = _cached(p.cache, key)
        if result is None:
            progress(f"measuring {name} of {subject}")
            try:
                result = a.analyzer.measure(ctx, as_of)
                if not isinstance(result, dict):
                    raise AnalysisError(f"it returned a {type(result).__name__}, not an object of results")
            except AilmError as exc:
                failed[a.role] = f"analysis {name} of {subject}: {exc}"
                continue
            except Exception as exc:  # an analyzer bug or a library's surprise: this subject, this role
                failed[a.role] = f"analysis {name} of {subject}: {type(exc).__name__}: {exc}"
                continue
            result = json.loads(canonical_json(result))  # plain JSON values, exactly as a cache hit gives
            _store(p.cache, key, result)
        records.append(
            Evidence.make(
                kind=f"analysis.{name}",
                id=f"analysis:{name}:{subject.split(':', 1)[-1]}",
                role=a.role,
                subject=subject,
                source=Source(collector=f"analysis.{name}", uri=uri),
                data={"inputs": inputs, "method": method, "cache_key": key, "result": result},
            )
        )
    return records, failed


def analyze(
    graph: LineageGraph,
    subjects: list[str],
    settings: AnalysisSettings,
    *,
    base_dir: Path,
    where: str,
    as_of: datetime,
    progress: Progress,
    src: YamlSource | None = None,
) -> tuple[list[Evidence], dict[str, dict[str, str]]]:
    """The measured records of every subject, and what could not be measured: {subject: {role: why}}. A file
    the config names that is not there stops the audit (bad input); what fails on one subject does not."""
    p = plan(settings, base_dir=base_dir, where=where, as_of=as_of, src=src)
    records: list[Evidence] = []
    failed: dict[str, dict[str, str]] = {}
    for subject in subjects:
        mine, why = measure(graph, subject, p, progress)
        records.extend(mine)
        if why:
            failed[subject] = why
    return records, failed


def _cached(cache: Path | None, key: str) -> dict[str, Any] | None:
    if cache is None:
        return None
    path = cache / f"{key}.json"
    try:
        doc = json.loads(path.read_text())
    except (OSError, ValueError):
        return None  # a missing or damaged cache entry is recomputed, never trusted
    if not isinstance(doc, dict) or doc.get("key") != key or not isinstance(doc.get("result"), dict):
        return None
    result: dict[str, Any] = doc["result"]
    return result


def _store(cache: Path | None, key: str, result: dict[str, Any]) -> None:
    if cache is None:
        return
    with contextlib.suppress(OSError):  # a cache that cannot be written only costs time
        write_atomic(cache / f"{key}.json", canonical_json({"key": key, "result": result}))
