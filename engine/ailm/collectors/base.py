"""The collector Protocol: one method, one module per source, chosen by name from one registry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Protocol

from ailm.errors import UnknownNameError
from ailm.evidence.model import Edge, Evidence, Node

ENTRY_POINT_GROUP = "ailm.collectors"


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


class Fingerprinted(Protocol):
    """A collector that can say cheaply whether its source changed (file sizes and times, a digest)."""

    def fingerprint(self, ctx: CollectContext) -> str: ...


# A factory builds a collector from its settings in the config (everything but ``name`` and ``optional``).
CollectorFactory = Callable[[Mapping[str, Any]], Collector]


def registry() -> dict[str, CollectorFactory]:
    """All collectors by name: built-ins and third parties alike register under ``ailm.collectors``."""
    found: dict[str, CollectorFactory] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        found[ep.name] = ep.load()
    return found


def create(name: str, settings: Mapping[str, Any]) -> Collector:
    known = registry()
    if name not in known:
        raise UnknownNameError.of("collector", name, list(known))
    return known[name](settings)
