"""The collector Protocol: one method, one module per source, each registered as a plugin (ailm.plugins)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

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


def tool_subject(model: str) -> tuple[str, Collection]:
    """The node an evaluation or red-team tool's records are about (the registered model, so that they reach every
    version's policy input) and a collection holding it. The version a run was against, when the config gives it,
    is in the record's data (``model_version``): the controls hold it to the version they judge."""
    from ailm.evidence import ids

    node = Node(id=ids.model(model), type="model", attrs={"name": model})
    return node.id, Collection(nodes=[node])


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


def json_lines(path: Path, *, item: str, line: str) -> Iterator[tuple[int, Any]]:
    """(line number, value) for each non-blank line of a JSON-lines file. A line is never read past the limit
    (a 60 MB line is not read whole to be refused); one too long or not JSON stops with the file and line."""
    import orjson

    from ailm import limits
    from ailm.errors import CollectorError

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
                value = orjson.loads(raw)
            except orjson.JSONDecodeError as exc:
                raise CollectorError(f"{path}:{lineno}: not a JSON {item}: {exc}") from None
            yield lineno, value


def create(name: str, settings: Mapping[str, Any]) -> Collector:
    """A collector by its plugin name, from raw settings (validated by the plugin's model)."""
    from ailm.plugins import load

    plugin = load("collector", name)
    collector: Collector = plugin.build(plugin.configure(settings))
    return collector
