"""The collector Protocol: one method, one module per source, each registered as a plugin (ailm.plugins)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, Field

from ailm.evidence.model import Edge, Evidence, Node


@dataclass(frozen=True)
class CollectContext:
    """What every collector may know: where the config lives (paths are relative to it) and the clock."""

    base_dir: Path
    as_of: datetime
    cache_dir: Path | None = None  # where collectors that can say their source is unchanged keep results


@dataclass
class Collection:
    """What one collector returns: evidence records and the lineage it knows."""

    records: list[Evidence] = field(default_factory=list)
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what a reader should know (skipped lines, ...)


class Collector(Protocol):
    def collect(self, ctx: CollectContext) -> Collection:
        """Read the source and return what it says. Raise CollectorError or InputError on failure."""
        ...


def files_at(
    root: Path, *, match: Callable[[Path], bool], empty: str, missing: str, recursive: bool = False
) -> list[Path]:
    """A source given as one file, or a folder of the files ``match`` accepts (sorted; none is an error)."""
    from ailm.errors import CollectorError

    if root.is_dir():
        found = sorted(p for p in (root.rglob("*") if recursive else root.iterdir()) if p.is_file() and match(p))
        if not found:
            raise CollectorError(f"{root}: {empty}")
        return found
    if not root.is_file():
        raise CollectorError(f"{root}: {missing}")
    return [root]


def utc_z(moment: datetime) -> str:
    """An aware time as the evidence writes it: ISO 8601 in UTC with microseconds, ``Z`` for the offset. One width
    for every time, so that text order is time order (policies pick the latest of a tool's runs by comparing these
    as text; ``isoformat()`` drops a zero fraction, and ``00:00:00Z`` sorted after ``00:00:00.500000Z``)."""
    from datetime import UTC

    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def json_lines(path: Path, *, item: str, line: str, standard: bool = False) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-blank line of a JSON-lines file. A line is never read past the limit
    (a 60 MB line is not read whole to be refused); one too long or not JSON stops with the file and line, and so
    does an object that repeats a key (which value a parser keeps is not defined: a repeated eventType or count
    could decide a verdict). Read by orjson (fast, for sources read at volume: no NaN, 64-bit integers), or with
    ``standard`` by the standard parser (what a tool's own ``json.dumps`` writes, NaN included)."""
    from ailm import limits
    from ailm.canonical import loads_fast_unique, loads_unique
    from ailm.errors import CollectorError

    parse = loads_unique if standard else loads_fast_unique

    try:
        handle = path.open("rb")
    except OSError as exc:
        raise CollectorError(f"{path}: cannot read: {exc.strerror or exc}") from None
    cap = limits.line_bytes()
    with handle:
        lineno = 0
        while raw := handle.readline(cap + 1):
            lineno += 1
            if len(raw) > cap:
                raise CollectorError(f"{path}:{lineno}: {line} longer than {cap:,} bytes ({limits.ENV_LINE_BYTES})")
            if not raw.strip():
                continue
            try:
                value = parse(raw)
            except ValueError as exc:  # orjson.JSONDecodeError and json.JSONDecodeError are ValueErrors
                raise CollectorError(f"{path}:{lineno}: not a JSON {item}: {exc}") from None
            yield lineno, value


def create(name: str, settings: Mapping[str, Any]) -> Collector:
    """A collector by its plugin name, from raw settings (validated by the plugin's model)."""
    from ailm.plugins import load

    plugin = load("collector", name)
    collector: Collector = plugin.build(plugin.configure(settings))
    return collector


class ToolFiles:
    """What the collectors of an evaluation or red-team tool's files share (garak, Inspect, lm-eval): the files
    at ``path`` that ``accepts`` (a file, or a folder), their fingerprint, and one record per run about the
    registered ``model``, so that it reaches every version's policy input, with the sha256 of the file read.
    ``version``, when the config gives it, is the revision the runs were against; each record says it
    (``model_version``), and the controls count a run only for that version."""

    accepts: Callable[[Path], bool]
    what: str  # "garak report (*.report.jsonl)", for messages
    recursive = False
    collector: str
    kind: str
    role: str

    def __init__(self, *, path: str, model: str, version: str | None = None) -> None:
        self.path = path
        self.model = model
        self.version = version

    def files(self, ctx: CollectContext) -> list[Path]:
        return files_at(
            (ctx.base_dir / self.path).resolve(),
            match=type(self).accepts,
            empty=f"no {self.what} in this folder",
            missing=f"{self.what.split(' (')[0]} not found",
            recursive=self.recursive,
        )

    def fingerprint(self, ctx: CollectContext) -> str:
        from ailm.collectors.cache import content_fingerprint

        return content_fingerprint(self.files(ctx))

    def start(self) -> Collection:
        from ailm.evidence import ids

        return Collection(nodes=[Node(id=ids.model(self.model), type="model", attrs={"name": self.model})])

    def one_target(self, out: Collection, *fields: str) -> Collection:
        """Every file read evaluated one model (the ``fields`` of its data that name what the tool ran against):
        files of two targets are an error, since each would count as an evaluation of the registered ``model``."""
        import json

        from ailm.errors import CollectorError

        targets: dict[str, str] = {}
        for r in out.records:
            targets.setdefault(json.dumps([r.data.get(f) for f in fields], sort_keys=True), r.source.uri)
        if len(targets) > 1:
            (a, where_a), (b, where_b) = list(targets.items())[:2]
            raise CollectorError(
                f"{self.path}: runs against two targets, {a} ({where_a}) and {b} ({where_b}): point the collector "
                f"at the files of the one model {self.model!r} is"
            )
        return out

    def record(self, path: Path, record_id: str, data: dict[str, Any]) -> Evidence:
        from ailm.canonical import sha256_file
        from ailm.evidence import ids
        from ailm.evidence.model import Source

        data["model_version"] = self.version  # the revision the run was against (None: not tied to one)
        data["file_sha256"] = sha256_file(path)  # the bytes the tool wrote, to compare with the file it kept
        return Evidence.make(
            kind=self.kind,
            id=record_id,
            role=self.role,
            subject=ids.model(self.model),
            source=Source(collector=self.collector, uri=path.as_uri()),
            data=data,
        )


class ToolSettings(BaseModel):
    """The settings every tool collector takes (each names its own files in ``path``'s description)."""

    model_config = ConfigDict(extra="forbid")

    path: str = Field(min_length=1, description="a file the tool wrote, or a folder of them")
    model: str = Field(min_length=1, description="the registered model the runs are about")
    version: str | None = Field(
        default=None,
        pattern=r"^[0-9]+$",
        description="the registered version the runs were against (without it, no GEN control counts a run for "
        "any version)",
    )
