"""The renderer Protocol: one method, one module per format, chosen by name from one registry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from ailm import builtin
from ailm.audit.result import AuditResult
from ailm.errors import UnknownNameError
from ailm.evidence.model import EvidenceSet


@dataclass(frozen=True)
class RenderContext:
    evidence: EvidenceSet
    templates: Path = field(default_factory=builtin.templates)


class Renderer(Protocol):
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes: ...


@dataclass(frozen=True)
class Format:
    name: str
    filename: str | None  # None: written to standard output, not to a file
    make: Callable[[], Renderer]


def registry() -> dict[str, Format]:
    from ailm.report import github, html, json_report, junit, markdown, pdf, sarif

    formats = [
        Format("json", "report.json", json_report.JsonRenderer),
        Format("html", "report.html", html.HtmlRenderer),
        Format("pdf", "report.pdf", pdf.PdfRenderer),
        Format("junit", "report.junit.xml", junit.JunitRenderer),
        Format("sarif", "report.sarif", sarif.SarifRenderer),
        Format("markdown", "report.md", markdown.MarkdownRenderer),
        Format("github", None, github.GithubRenderer),
    ]
    return {f.name: f for f in formats}


def resolve(names: list[str]) -> list[Format]:
    known = registry()
    out = []
    for name in names:
        if name not in known:
            raise UnknownNameError.of("report format", name, list(known))
        if known[name] not in out:
            out.append(known[name])
    return out
