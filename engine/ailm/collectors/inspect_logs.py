"""The Inspect collector: evaluation logs written by Inspect AI (UK AI Security Institute), read with Inspect's
own reader (``inspect_ai.log.read_eval_log``, the optional extra ``ailm[llm]``).

A log (``.eval``, or Inspect's older ``.json``) holds one task evaluated on one model. Each is one record
(``inspect_eval``): the task, its version and file, the model and its arguments, the dataset (name, location,
samples, shuffled), the source revision Inspect recorded, the Inspect version, when it was created, started
and completed, its status and error, the sample counts (total, completed) and for every scorer each metric
with its standard error (from the scorer's ``stderr`` metric) and how many samples it scored. A metric is
named ``<scorer>/<metric>``, and also ``<metric>`` alone when the log has one scorer, which is how plan
tasks name the result they hold to a threshold (GEN-001, GEN-005).

Settings: ``path`` (a log, or a folder of them, searched recursively), ``model`` (the registered model the
evaluations are about). A log Inspect cannot read (truncated, not a log, a schema it does not know), a metric
value that is not a number, two logs of one evaluation: the file, and the audit stops. The reader reads only
the log's header (results and statistics), never its samples.
"""

from __future__ import annotations

import math
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import Field

from ailm.collectors.base import CollectContext, Collection, ToolFiles, ToolSettings, utc_z
from ailm.errors import CollectorError
from ailm.plugins import Plugin

COLLECTOR = "inspect"
ROLE = "inspect_eval"
_INDEXES = frozenset({"logs.json", "eval-set.json"})  # what Inspect writes beside the logs of an eval set
_SPREAD = frozenset({"stderr", "std", "var"})  # what a scorer reports about its metrics, not a metric of its own


def _number(value: Any, where: str) -> float | None:
    """A metric value: a finite number, None for what Inspect could not compute (NaN, e.g. stderr of 1 sample)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CollectorError(f"{where} must be a number, got {type(value).__name__}")
    return float(value) if math.isfinite(value) else None


def _time(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    if moment.tzinfo is None:  # Inspect writes UTC with its offset; a bare time is not a moment
        return None
    return utc_z(moment)


def read_log(path: Path) -> dict[str, Any]:
    """One log's header as the record's data; a log Inspect cannot read names the file."""
    try:
        from inspect_ai.log import read_eval_log
    except ImportError:
        raise CollectorError(f"{path}: reading Inspect logs needs inspect-ai (pip install 'ailm[llm]')") from None
    try:
        log = read_eval_log(str(path), header_only=True)
    except Exception as exc:  # a zip without its directory, JSON cut short, a schema Inspect does not know
        message = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise CollectorError(f"{path}: not a readable Inspect evaluation log: {message}") from None
    spec = log.eval
    results = log.results
    scores = list(results.scores) if results is not None else []
    entries = []
    for score in scores:
        metrics = dict(score.metrics or {})
        spread = metrics.get("stderr")
        stderr = _number(spread.value, f"{path}: scorer {score.name} metric stderr") if spread is not None else None
        for name, metric in sorted(metrics.items()):
            if name in _SPREAD:
                continue
            where = f"{path}: scorer {score.name} metric {name}"
            names = [f"{score.name}/{name}"] + ([name] if len(scores) == 1 else [])
            entries.append(
                {
                    "task": spec.task,
                    "scorer": score.name,
                    "metric": name,
                    "names": names,
                    "value": _number(metric.value, where),
                    "stderr": stderr,
                    "samples": score.scored_samples,
                    "unscored": score.unscored_samples,
                }
            )
    dataset = spec.dataset
    revision = spec.revision
    stats = log.stats
    error = log.error
    return {
        "eval_id": spec.eval_id,
        "run_id": spec.run_id,
        "task": spec.task,
        "task_version": spec.task_version,
        "task_file": spec.task_file,
        "model": spec.model,
        "model_args": {k: v for k, v in sorted((spec.model_args or {}).items()) if isinstance(v, str | int | float)},
        "dataset": {
            "name": dataset.name,
            "location": dataset.location,
            "samples": dataset.samples,
            "shuffled": dataset.shuffled,
        },
        "revision": (
            {"type": revision.type, "origin": revision.origin, "commit": revision.commit, "dirty": revision.dirty}
            if revision is not None
            else None
        ),
        "inspect_version": (spec.packages or {}).get("inspect_ai"),
        "epochs": spec.config.epochs,
        "created_at": _time(spec.created),
        "started_at": _time(getattr(stats, "started_at", None)),
        "completed_at": _time(getattr(stats, "completed_at", None)),
        "status": log.status,
        "error": (error.message.splitlines()[0][:300] if error.message else "an error") if error else None,
        "total_samples": results.total_samples if results is not None else None,
        "completed_samples": results.completed_samples if results is not None else None,
        "results": entries,
    }


class InspectCollector(ToolFiles):
    what = "Inspect log (*.eval, *.json)"
    recursive = True
    collector, kind, role = COLLECTOR, "inspect.eval", ROLE

    @staticmethod
    def accepts(path: Path) -> bool:
        return path.suffix in (".eval", ".json") and not path.name.startswith(".") and path.name not in _INDEXES

    def collect(self, ctx: CollectContext) -> Collection:
        out = self.start()
        seen: dict[str, Path] = {}
        for path in self.files(ctx):
            data = read_log(path)
            key = str(data["eval_id"])
            if key in seen:
                raise CollectorError(f"{path}: evaluation {key} is also logged in {seen[key]}")
            seen[key] = path
            out.records.append(self.record(path, f"inspect:{data['task']}:{key}", data))
            if data["status"] != "success":
                out.notes.append(f"{path}: the Inspect evaluation of {data['task']} ended with status {data['status']}")
        return self.one_target(out, "model")


class Settings(ToolSettings):
    path: str = Field(min_length=1, description="an Inspect log (.eval or .json), or a folder of them")


plugin = Plugin(
    kind="collector",
    name="inspect",
    summary="Inspect AI evaluation logs: task, model, dataset, scorers, metrics with stderr, samples, status",
    settings=Settings,
    build=lambda s: InspectCollector(path=s.path, model=s.model, version=s.version),
    roles={ROLE: "many"},
)
