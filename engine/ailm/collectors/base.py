"""The collector Protocol: one method, one module per source, each registered as a plugin (ailm.plugins)."""

from __future__ import annotations

from collections.abc import Mapping
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


def create(name: str, settings: Mapping[str, Any]) -> Collector:
    """A collector by its plugin name, from raw settings (validated by the plugin's model)."""
    from ailm.plugins import load

    plugin = load("collector", name)
    collector: Collector = plugin.build(plugin.configure(settings))
    return collector
