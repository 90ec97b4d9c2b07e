"""Renderers turn an audit result into report files; they only read it."""

from ailm.report.base import RenderContext, Renderer, known, resolve

__all__ = ["RenderContext", "Renderer", "known", "resolve"]
