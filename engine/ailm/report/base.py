"""The renderer Protocol: one method, one module per format, each registered as a plugin (ailm.plugins)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ailm import builtin
from ailm.evidence.model import EvidenceSet
from ailm.plugins import Plugin, load, load_all
from ailm.result import AuditResult

if TYPE_CHECKING:
    from ailm.lineage import LineageGraph


@dataclass(frozen=True)
class RenderContext:
    evidence: EvidenceSet
    templates: Path = field(default_factory=builtin.templates)
    signed: bool = False  # the audit signs its reports: the PDF leaves room for its signature on page 1

    @cached_property
    def graph(self) -> LineageGraph:
        """The lineage graph of the evidence, built once for every report rendered from this context."""
        from ailm.lineage import LineageGraph

        return LineageGraph.build(self.evidence)


class Renderer(Protocol):
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes: ...


@dataclass(frozen=True)
class Format:
    name: str
    filename: str | None  # None: written to standard output, not to a file
    make: Callable[[], Renderer]


def _format(plugin: Plugin) -> Format:
    return Format(plugin.name, plugin.filename, lambda: plugin.build(plugin.configure({})))


def resolve(names: list[str]) -> list[Format]:
    """The formats by plugin name, in the order given, each once; an unknown or broken one is an error."""
    out: list[Format] = []
    for name in names:
        if name not in [f.name for f in out]:
            out.append(_format(load("format", name)))
    return out


def known() -> list[Format]:
    """Every format that loads (a broken third-party one is left out here; naming it is an error)."""
    return [_format(p) for p in load_all("format")[0]]
