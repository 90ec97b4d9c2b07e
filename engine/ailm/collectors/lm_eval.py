"""The lm-eval collector: results files written by EleutherAI's lm-evaluation-harness (``results_*.json``).

lm-eval writes one JSON object per evaluation run: ``results`` (per task, each metric keyed
``<metric>,<filter>`` with its standard error under ``<metric>_stderr,<filter>``, "N/A" where none was
computed), ``versions``, ``n-shot``, ``n-samples`` (original and effective: fewer when ``--limit`` cut the
dataset), ``config`` (model, model arguments, limit, seeds), ``lm_eval_version``, ``git_hash``, ``date`` (a
Unix time) and ``task_hashes``. ailm reads that format with its own typed reader: lm-eval itself (which
brings torch, transformers and datasets) is never imported. The 0.4 series is the format read; a file of
another version, or without the fields above, is an error naming the file and the field.

Settings: ``path`` (a results file, or a folder searched recursively for ``results_*.json``), ``model`` (the
registered model the runs are about). Each file is one record (``lm_eval_run``). Each task says whether the
run evaluated its whole dataset (``complete``: no ``--limit``, and ``n-samples`` effective equal to original)
and, if not, why (``incomplete``): the GEN controls never take a partial run as the task's evaluation. A key
given twice anywhere in the file (two values for one metric) stops the audit with the file and line.
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import Field

from ailm.canonical import loads_unique, sha256_file
from ailm.collectors.base import CollectContext, Collection, ToolFiles, ToolSettings, json_lines, utc_z
from ailm.errors import CollectorError
from ailm.plugins import Plugin

COLLECTOR = "lm_eval"
ROLE = "lm_eval_run"
READS = re.compile(r"^0\.4\.\d+")  # the results format of the lm-eval 0.4 series
FAILED_LISTED = 100  # failed samples listed per task (all are counted)
_NOT_METRICS = frozenset({"alias", "name", "sample_len", "sample_count", " "})


def _object(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        raise CollectorError(f"{where} is missing (an object is required)")
    if not isinstance(value, dict):
        raise CollectorError(f"{where} must be an object, got {type(value).__name__}")
    return value


def _number(value: Any, where: str) -> float | None:
    if value == "N/A" or value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise CollectorError(f'{where} must be a number or "N/A", got {json.dumps(value)[:40]}')
    return float(value) if math.isfinite(value) else None


def _count(value: Any, where: str) -> int | None:
    if value is None:
        return None
    if type(value) is not int or value < 0:
        raise CollectorError(f"{where} must be a whole number >= 0, got {json.dumps(value)[:40]}")
    return value


def samples_file(path: Path, task: str) -> Path:
    """Where ``--log_samples`` put a task's samples beside its results file: ``samples_<task>_<time>.jsonl``."""
    return path.with_name(f"samples_{task}_{path.stem.removeprefix('results_')}.jsonl")


def _short(text: Any) -> Any:
    return text[:300] if isinstance(text, str) else text


def _logged(path: Path, task: str, effective: int | None, better: Any) -> dict[str, Any] | None:
    """What a task's logged samples say (None: the run logged none): the samples whose metrics, of those where
    higher is better and a sample scores 0 to 1, fell short of full marks, with the target and the response. A
    key given twice, a broken line, or fewer or more samples than the results count stop with the file and line."""
    file = samples_file(path, task)
    if not file.is_file():
        return None
    better = better if isinstance(better, dict) else {}
    rows, failed_count = 0, 0
    failed: list[dict[str, Any]] = []
    for lineno, row in json_lines(file, item="sample", line="a sample line", standard=True):
        if not isinstance(row, dict) or not isinstance(row.get("metrics"), list):
            raise CollectorError(f"{file}:{lineno}: an lm-eval sample is an object with its list of metrics")
        rows += 1
        short = {
            m: row.get(m)
            for m in row["metrics"]
            if isinstance(m, str) and better.get(m) is True
            and (row.get(m) is False or (type(row.get(m)) in (int, float) and 0 <= row[m] < 1))
        }  # fmt: skip
        if not short:
            continue
        failed_count += 1
        if len(failed) < FAILED_LISTED:
            doc, resps = row.get("doc"), row.get("filtered_resps")
            failed.append(
                {
                    "doc_id": row.get("doc_id"),
                    "id": doc.get("id") if isinstance(doc, dict) else None,
                    "target": _short(row.get("target")),
                    "response": _short(resps[0]) if isinstance(resps, list) and resps else None,
                    "metrics": short,
                }
            )
    if rows != effective:
        raise CollectorError(
            f"{file}: {rows} samples logged, but n-samples.{task}.effective in {path.name} is {effective}"
        )
    return {"file": file.name, "sha256": sha256_file(file), "failed_count": failed_count, "failed_samples": failed}


def read_results(path: Path) -> dict[str, Any]:
    """One results file as the record's data; every problem names the file and the field."""
    try:
        raw = loads_unique(path.read_bytes())  # a repeated key (two values for one metric) is not a result
    except OSError as exc:
        raise CollectorError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise CollectorError(f"{path}: not JSON: {exc}") from None
    doc = _object(raw, f"{path}: an lm-eval results file")
    version = doc.get("lm_eval_version")
    if not isinstance(version, str) or not READS.match(version):
        raise CollectorError(
            f"{path}: lm_eval_version is {json.dumps(version)[:40]}: ailm reads the results format of lm-eval 0.4.x"
        )
    results = _object(doc.get("results"), f"{path}: results")
    if not results:
        raise CollectorError(f"{path}: results has no task")
    versions = _object(doc.get("versions", {}), f"{path}: versions")
    n_shot = _object(doc.get("n-shot", {}), f"{path}: n-shot")
    n_samples = _object(doc.get("n-samples", {}), f"{path}: n-samples")
    config = _object(doc.get("config", {}), f"{path}: config")
    limit = config.get("limit")  # --limit 10, or a fraction of each dataset
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int | float)):
        raise CollectorError(f"{path}: config.limit must be a number or null, got {json.dumps(limit)[:40]}")
    tasks = []
    for task, values in sorted(results.items()):
        where = f"{path}: results.{task}"
        values = _object(values, where)
        metrics = []
        for key, value in sorted(values.items()):
            if key in _NOT_METRICS or "_stderr," in key:
                continue
            metric, sep, filt = key.partition(",")
            if not sep:
                raise CollectorError(f"{where}.{key}: a metric is keyed <metric>,<filter> in lm-eval 0.4 results")
            stderr = _number(values.get(f"{metric}_stderr,{filt}"), f"{where}.{metric}_stderr,{filt}")
            metrics.append(
                {
                    "metric": metric,
                    "filter": filt,
                    "names": [f"{metric},{filt}"] + ([metric] if filt == "none" else []),
                    "value": _number(value, f"{where}.{key}"),
                    "stderr": stderr,
                }
            )
        counts = n_samples.get(task)
        effective = original = None
        if counts is not None:
            counts = _object(counts, f"{path}: n-samples.{task}")
            effective = _count(counts.get("effective"), f"{path}: n-samples.{task}.effective")
            original = _count(counts.get("original"), f"{path}: n-samples.{task}.original")
        why = [f"limit {json.dumps(limit)}"] if limit is not None else []
        if original is None or effective is None:
            why.append(f"n-samples.{task} does not record how many of the dataset's samples were evaluated")
        elif original == 0 or effective != original:
            why.append(f"{effective} of {original} samples evaluated")
        tasks.append(
            {
                "task": task,
                "version": versions.get(task) if isinstance(versions.get(task), str | int | float) else None,
                "n_shot": _count(n_shot.get(task), f"{path}: n-shot.{task}"),
                "samples": effective,
                "samples_original": original,
                "complete": not why,  # the whole dataset evaluated: no --limit, every document
                "incomplete": why,
                "metrics": metrics,
                "logged_samples": _logged(
                    path,
                    task,
                    effective,
                    _object(doc.get("higher_is_better", {}), f"{path}: higher_is_better").get(task),
                ),
            }
        )
    date = doc.get("date")
    when = None
    if isinstance(date, int | float) and not isinstance(date, bool) and math.isfinite(date):
        when = utc_z(datetime.fromtimestamp(date, UTC))
    args = config.get("model_args")
    return {
        "lm_eval_version": version,
        "model": config.get("model") if isinstance(config.get("model"), str) else None,
        "model_args": args if isinstance(args, str) else json.dumps(args, sort_keys=True) if args else None,
        "model_name": doc.get("model_name") if isinstance(doc.get("model_name"), str) else None,
        "limit": limit,
        "random_seed": config.get("random_seed") if type(config.get("random_seed")) is int else None,
        "git_hash": doc.get("git_hash") if isinstance(doc.get("git_hash"), str) else None,
        "ran_at": when,
        "task_hashes": {
            k: v
            for k, v in sorted(_object(doc.get("task_hashes", {}), f"{path}: task_hashes").items())
            if isinstance(v, str)
        },
        "tasks": tasks,
    }


class LmEvalCollector(ToolFiles):
    what = "lm-eval results file (results_*.json)"
    recursive = True
    collector, kind, role = COLLECTOR, "lm_eval.run", ROLE

    @staticmethod
    def accepts(path: Path) -> bool:
        return path.name.startswith("results") and path.suffix == ".json"

    def fingerprint(self, ctx: CollectContext) -> str:
        """The results files and the samples files beside them (what ``--log_samples`` wrote)."""
        from ailm.collectors.cache import content_fingerprint

        files = self.files(ctx)
        logged = sorted(
            p
            for f in files
            for p in f.parent.iterdir()
            if p.name.startswith("samples_") and p.name.endswith(f"_{f.stem.removeprefix('results_')}.jsonl")
        )
        return content_fingerprint(files + logged)

    def collect(self, ctx: CollectContext) -> Collection:
        out = self.start()
        seen: dict[str, Path] = {}
        for path in self.files(ctx):
            if path.stem in seen:
                raise CollectorError(f"{path}: a results file of the same name is also at {seen[path.stem]}")
            seen[path.stem] = path
            out.records.append(self.record(path, f"lm_eval:{path.stem}", read_results(path)))
        return self.one_target(out, "model", "model_args")


class Settings(ToolSettings):
    path: str = Field(min_length=1, description="an lm-eval results file (results_*.json), or a folder of them")


plugin = Plugin(
    kind="collector",
    name="lm_eval",
    summary="lm-evaluation-harness results: tasks, metrics with stderr, n-shot, samples, model and versions",
    settings=Settings,
    build=lambda s: LmEvalCollector(path=s.path, model=s.model, version=s.version),
    roles={ROLE: "many"},
)
