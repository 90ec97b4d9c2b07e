"""The model card collector: a Hugging Face model card (README.md with YAML front matter): licence,
datasets, base model, language, tags, pipeline tag and the model-index evaluation results.

Settings: ``path`` (the README.md, relative to the config) and ``model`` (the registered model it describes).
The record is ``input.evidence.model_card``; its front matter errors name the card's file and line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ailm.collectors.base import CollectContext, Collection
from ailm.errors import CollectorError, InputError
from ailm.evidence import ids
from ailm.evidence.model import Evidence, Node, Source
from ailm.plugins import Plugin
from ailm.yamlsrc import YamlSource

COLLECTOR = "model_card"
_HEADING = re.compile(r"^#{1,3}\s+(.+?)\s*$", re.M)


def front_matter(text: str, path: Path) -> tuple[YamlSource, str]:
    """The YAML between the leading ``---`` lines (line numbers kept), and the Markdown body after it."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise CollectorError(f"{path}:1: a model card starts with '---' and YAML front matter")
    end = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if end is None:
        raise CollectorError(f"{path}: the front matter has no closing '---'")
    yaml_text = "\n" + "".join(lines[1:end])  # one blank line so YAML line numbers match the file's
    try:
        src = YamlSource.parse(yaml_text, path, what="model card front matter")
    except InputError as exc:
        raise CollectorError(str(exc)) from None
    if not isinstance(src.data, dict):
        raise CollectorError(f"{path}:2: the front matter is a mapping")
    return src, "".join(lines[end + 1 :])


# The card fields ailm reads, and what the Hugging Face model card spec says each is.
_TEXT = ("license", "licence", "license_name", "library_name", "pipeline_tag", "base_model_relation")
_TEXT_OR_LIST = ("datasets", "base_model", "language", "tags")


def check_fields(meta: dict[str, Any], src: YamlSource) -> None:
    def fail(key: str, what: str) -> CollectorError:
        return CollectorError(f"{src.where((key,))}: {key}: {what}, got {type(meta[key]).__name__} {meta[key]!r:.60}")

    for key in _TEXT:
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            raise fail(key, "a string is required")
    for key in _TEXT_OR_LIST:
        value = meta.get(key)
        if value is None or isinstance(value, str):
            continue
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise fail(key, "a string or a list of strings is required")


def eval_results(meta: dict[str, Any], src: YamlSource) -> list[dict[str, Any]]:
    """model-index -> [{model, task, dataset, metric, value, verified}]."""
    out = []
    index = meta.get("model-index") or []
    if not isinstance(index, list):
        raise CollectorError(f"{src.where(('model-index',))}: model-index is a list")
    for i, entry in enumerate(index):
        if not isinstance(entry, dict) or not isinstance(entry.get("results") or [], list):
            raise CollectorError(
                f"{src.where(('model-index', i))}: a model-index entry has a name and a list of results"
            )
        for j, result in enumerate(entry.get("results") or []):
            loc = ("model-index", i, "results", j)
            if not isinstance(result, dict) or not isinstance(result.get("metrics") or [], list):
                raise CollectorError(f"{src.where(loc)}: a result has a task, a dataset and a list of metrics")
            raw_task, raw_dataset = result.get("task"), result.get("dataset")
            task = raw_task.get("type") if isinstance(raw_task, dict) else None
            dataset: dict[str, Any] = raw_dataset if isinstance(raw_dataset, dict) else {}
            for k, metric in enumerate(result.get("metrics") or []):
                if not isinstance(metric, dict) or "value" not in metric:
                    where = src.where((*loc, "metrics", k))
                    raise CollectorError(f"{where}: a metric needs a type and a value")
                if isinstance(metric["value"], bool) or not isinstance(metric["value"], int | float):
                    where = src.where((*loc, "metrics", k, "value"))
                    raise CollectorError(f"{where}: a metric value is a number, got {metric['value']!r:.40}")
                out.append(
                    {
                        "model": entry.get("name"),
                        "task": task,
                        "dataset": dataset.get("name") or dataset.get("type"),
                        "dataset_revision": dataset.get("revision"),
                        "metric": metric.get("type") or metric.get("name"),
                        "value": metric.get("value"),
                        "verified": bool(metric.get("verified", False)),
                    }
                )
    return out


class ModelCardCollector:
    def __init__(self, *, path: str, model: str) -> None:
        self.path = path
        self.model = model

    def collect(self, ctx: CollectContext) -> Collection:
        path = (ctx.base_dir / self.path).resolve()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CollectorError(f"{path}: model card not found") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise CollectorError(f"{path}: cannot read the model card: {exc}") from None
        src, body = front_matter(text, path)
        meta: dict[str, Any] = src.data
        check_fields(meta, src)
        licence = meta.get("license") or meta.get("licence")
        datasets = meta.get("datasets") or []
        base = meta.get("base_model")
        data = {
            "license": licence,
            "license_name": meta.get("license_name"),
            "datasets": datasets if isinstance(datasets, list) else [datasets],
            "base_model": base if isinstance(base, list) or base is None else [base],
            "base_model_relation": meta.get("base_model_relation"),
            "language": meta.get("language"),
            "library_name": meta.get("library_name"),
            "pipeline_tag": meta.get("pipeline_tag"),
            "tags": meta.get("tags") or [],
            "eval_results": eval_results(meta, src),
            "sections": _HEADING.findall(body),
        }
        node = ids.model(self.model)
        record = Evidence.make(
            kind="huggingface.model_card",
            id=f"model_card:{self.model}",
            role="model_card",
            subject=node,
            source=Source(collector=COLLECTOR, uri=path.as_uri()),
            data=data,
        )
        return Collection(records=[record], nodes=[Node(id=node, type="model", attrs={"name": self.model})])


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="the model card README.md (Hugging Face format)")
    model: str = Field(min_length=1, description="the registered model the card describes")


plugin = Plugin(
    kind="collector",
    name="model_card",
    summary="a Hugging Face model card: its YAML metadata and model-index metrics",
    settings=Settings,
    build=lambda s: ModelCardCollector(path=s.path, model=s.model),
    roles={"model_card": "one"},
)
