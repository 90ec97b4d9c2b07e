"""The Inspect collector: evaluation logs written by Inspect AI (UK AI Security Institute), read with Inspect's
own reader (``inspect_ai.log.read_eval_log``, the optional extra ``ailm[llm]``).

A log (``.eval``, or Inspect's older ``.json``) holds one task evaluated on one model. Each is one record
(``inspect_eval``): the task, its version and file, the model and its arguments, the dataset (name, location,
samples, shuffled), the source revision Inspect recorded, the Inspect version, when it was created, started
and completed, its status and error, the sample counts (total, completed) and for every scorer each metric
with its standard error (from the scorer's ``stderr`` metric) and how many samples it scored. A metric is
named ``<scorer>/<metric>``, and also ``<metric>`` alone when the log has one scorer, which is how plan
tasks name the result they hold to a threshold (GEN-001, GEN-005).

Each record also says what the run covered: its ``limit`` and ``sample_ids`` (Inspect's ``--limit`` and
``--sample-id``), the dataset's size against the samples completed and scored, the tokens used per model, and
the samples that did not score full marks (their ids, scores and the scorer's reasons). A run that evaluated
the whole dataset (succeeded, no limit, no sample selection, every sample completed and scored) is
``complete``; any other says why not in ``incomplete``. The GEN controls decide on the latest complete run of a
task and show partial runs beside it: a ``--limit 12`` run is never the task's evaluation.

Settings: ``path`` (a log, or a folder of them, searched recursively), ``model`` (the registered model the
evaluations are about). A log Inspect cannot read (truncated, not a log, a schema it does not know), a log that
is not whole (a ``.json`` log cut after its header, which Inspect's header reader accepts), a key given twice
in any of its JSON (``"status": "error"`` and later ``"success"``), an archive member given twice (two
``header.json``: Inspect reads the last), a metric value that is not a number, two logs of one evaluation: the
file (and line), and the audit stops. Every JSON member of a log is read by ailm's strict parser before
Inspect's reader reads the header and the sample summaries.
"""

from __future__ import annotations

import math
import zipfile
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import Field

from ailm.canonical import DuplicateKeyError, loads_unique
from ailm.collectors.base import CollectContext, Collection, ToolFiles, ToolSettings, utc_z
from ailm.errors import CollectorError
from ailm.plugins import Plugin

COLLECTOR = "inspect"
ROLE = "inspect_eval"
_INDEXES = frozenset({"logs.json", "eval-set.json"})  # what Inspect writes beside the logs of an eval set
_SPREAD = frozenset({"stderr", "std", "var"})  # what a scorer reports about its metrics, not a metric of its own
FAILED_LISTED = 100  # failed samples listed per log (all are counted)
UNREADABLE = "not a readable Inspect evaluation log"
MEMBER_TWICE = "the archive holds {member} twice: which one a reader takes is not defined"


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


def _json_problem(raw: bytes) -> str | None:
    """Why a JSON text is not one whole document with no repeated key (its line and column), or None."""
    try:
        loads_unique(raw)
    except DuplicateKeyError as exc:
        return str(exc)
    except ValueError as exc:  # cut short, not JSON, not UTF-8
        return str(exc).splitlines()[0][:300]
    return None


def _member(archive: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes; whatever its decompressor raises on corrupt data (Inspect writes zstd) names it."""
    try:
        return archive.read(name)
    except Exception as exc:  # zlib.error, zstandard's ZstdError, a bad CRC: not a whole log
        raise CollectorError(
            f"{archive.filename}: {UNREADABLE}: {name}: {str(exc)[:300] or type(exc).__name__}"
        ) from None


def check_whole(path: Path) -> None:
    """A log whose every JSON text is whole and repeats no key, in an archive that gives no member twice.
    Inspect's header reader stops after the header (a ``.json`` log cut there is read as if whole) and keeps the
    last of two equal keys or members: neither may decide what the record says."""
    try:
        if path.suffix == ".json":
            problem = _json_problem(path.read_bytes())
            if problem:
                raise CollectorError(f"{path}: {UNREADABLE}: {problem}")
            return
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            seen: set[str] = set()
            for name in names:
                if name in seen:
                    raise CollectorError(f"{path}: {UNREADABLE}: {MEMBER_TWICE.format(member=name)}")
                seen.add(name)
            for name in names:
                if name.endswith(".json") and (problem := _json_problem(_member(archive, name))):
                    raise CollectorError(f"{path}: {UNREADABLE}: {name}: {problem}")
    except (OSError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, NotImplementedError) as exc:  # encrypted
        raise CollectorError(f"{path}: {UNREADABLE}: {str(exc)[:300] or type(exc).__name__}") from None


def _full_marks(value: Any) -> bool:
    from inspect_ai.scorer import value_to_float

    if isinstance(value, dict):
        return all(_full_marks(v) for v in value.values())
    if isinstance(value, list):
        return all(_full_marks(v) for v in value)
    try:
        return value_to_float()(value) >= 1.0
    except (TypeError, ValueError):
        return False


def _short(text: Any) -> Any:
    """A scorer's answer or explanation as evidence holds it: at most 300 characters (an LLM judge writes pages)."""
    return text[:300] if isinstance(text, str) else text


def _failed(path: Path) -> tuple[int, list[dict[str, Any]]]:
    """How many samples did not score full marks (or ended in an error), and the first of them: id, epoch, each
    scorer's value, answer and explanation (its reason), the error."""
    from inspect_ai.log import read_eval_log_sample_summaries

    try:
        summaries = read_eval_log_sample_summaries(str(path))
    except Exception as exc:  # whatever Inspect raises, the file is named
        message = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise CollectorError(f"{path}: {UNREADABLE}: its samples: {message}") from None
    failed = []
    for s in summaries:
        scores = dict(s.scores or {})
        if s.error is None and scores and all(_full_marks(score.value) for score in scores.values()):
            continue
        failed.append(
            {
                "id": s.id,
                "epoch": s.epoch,
                "scores": {
                    name: {
                        "value": score.value,
                        "answer": _short(score.answer),
                        "explanation": _short(score.explanation),
                    }
                    for name, score in sorted(scores.items())
                },
                "error": s.error.splitlines()[0][:300] if s.error else None,
            }
        )
    return len(failed), failed[:FAILED_LISTED]


def read_log(path: Path) -> dict[str, Any]:
    """One log's header, and what its samples say about the run, as the record's data; a log that is not whole
    or that Inspect cannot read names the file."""
    try:
        from inspect_ai.log import read_eval_log
    except ImportError:
        raise CollectorError(f"{path}: reading Inspect logs needs inspect-ai (pip install 'ailm[llm]')") from None
    check_whole(path)
    try:
        log = read_eval_log(str(path), header_only=True)
    except Exception as exc:  # a zip without its directory, JSON cut short, a schema Inspect does not know
        message = str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__
        raise CollectorError(f"{path}: {UNREADABLE}: {message}") from None
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
    config = spec.config
    limit = config.limit
    selected = config.sample_id
    failed_count, failed = _failed(path)
    data: dict[str, Any] = {
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
        "epochs": config.epochs,
        "limit": list(limit) if isinstance(limit, tuple | list) else limit,  # --limit 12, or a range [10, 20]
        "sample_ids": None if selected is None else list(selected) if isinstance(selected, list) else [selected],
        "created_at": _time(spec.created),
        "started_at": _time(getattr(stats, "started_at", None)),
        "completed_at": _time(getattr(stats, "completed_at", None)),
        "status": log.status,
        "error": (error.message.splitlines()[0][:300] if error.message else "an error") if error else None,
        "total_samples": results.total_samples if results is not None else None,
        "completed_samples": results.completed_samples if results is not None else None,
        "tokens": {
            name: {"input": u.input_tokens, "output": u.output_tokens, "total": u.total_tokens}
            for name, u in sorted((getattr(stats, "model_usage", None) or {}).items())
        },
        "failed_count": failed_count,
        "failed_samples": failed,
        "results": entries,
    }
    data["incomplete"] = _incomplete(data)
    data["complete"] = not data["incomplete"]
    return data


def _incomplete(data: dict[str, Any]) -> list[str]:
    """Why a run did not evaluate the whole dataset (none: it did). Every count must be there and agree."""
    why = []
    if data["status"] != "success":
        why.append(f"status {data['status']}")
    if data["limit"] is not None:
        why.append(f"limit {data['limit']}")
    if data["sample_ids"] is not None:
        why.append(f"only samples {', '.join(str(i) for i in data['sample_ids'][:10])}")
    size = data["dataset"]["samples"]
    epochs = data["epochs"] if data["epochs"] is not None else 1
    if type(size) is not int or size <= 0 or type(epochs) is not int or epochs <= 0:
        return [*why, "the dataset's size is not recorded"]
    total, completed = data["total_samples"], data["completed_samples"]
    if total != size * epochs or completed != total:
        why.append(f"{completed} of {size * epochs} samples completed ({size} x {epochs} epochs)")
    for r in data["results"]:
        if r["samples"] != size or r["unscored"]:
            why.append(f"{r['scorer']} scored {r['samples']} of {size} samples")
    return list(dict.fromkeys(why))


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
            elif not data["complete"]:
                out.notes.append(
                    f"{path}: a partial run of {data['task']} ({'; '.join(data['incomplete'])}): never the task's "
                    "evaluation"
                )
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
