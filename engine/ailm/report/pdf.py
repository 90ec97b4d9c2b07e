"""report.pdf: the HTML report printed by WeasyPrint."""

from __future__ import annotations

import logging

from ailm.plugins import Plugin
from ailm.report.base import RenderContext
from ailm.report.html import render_html
from ailm.result import AuditResult


class PdfRenderer:
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes:
        import weasyprint

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        html = render_html(result, ctx, for_print=True)
        doc = weasyprint.HTML(string=html, base_url=str(ctx.templates))
        pdf = doc.write_pdf()
        assert isinstance(pdf, bytes)
        return pdf


plugin = Plugin(
    kind="format",
    name="pdf",
    summary="the HTML report typeset for print (WeasyPrint)",
    build=lambda _settings: PdfRenderer(),
    filename="report.pdf",
)
