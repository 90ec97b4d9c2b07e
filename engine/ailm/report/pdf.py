"""report.pdf: the HTML report printed by WeasyPrint, with room for its signature on page 1."""

from __future__ import annotations

import logging

from ailm.plugins import Plugin
from ailm.report.base import RenderContext
from ailm.report.html import render_html
from ailm.result import AuditResult


class PdfRenderer:
    def render(self, result: AuditResult, ctx: RenderContext) -> bytes:
        import weasyprint

        from ailm.signing import pdf as pades

        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        logging.getLogger("fontTools").setLevel(logging.ERROR)
        html = render_html(result, ctx, for_print=True)
        doc = weasyprint.HTML(string=html, base_url=str(ctx.templates)).render()
        pdf = doc.write_pdf()
        assert isinstance(pdf, bytes)
        first = doc.pages[0] if doc.pages else None
        box = first.anchors.get(pades.ANCHOR) if first is not None else None
        if ctx.signed and first is not None and box is not None:  # the audit signs this field (publish)
            pdf = pades.add_field(pdf, first.height, box)
        return pdf


plugin = Plugin(
    kind="format",
    name="pdf",
    summary="the HTML report typeset for print (WeasyPrint), signed (PAdES) when the audit is",
    build=lambda _settings: PdfRenderer(),
    filename="report.pdf",
)
