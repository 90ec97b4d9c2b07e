"""Renderers turn an audit result into report files; they only read it."""

from ailm.report.base import RenderContext, Renderer, registry, resolve

__all__ = ["RenderContext", "Renderer", "registry", "resolve"]
