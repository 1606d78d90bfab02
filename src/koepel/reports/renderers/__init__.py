"""Output formats of the annual report, as a small registry: each renderer has an
``identifier``, a ``label``, a file ``extension`` and ``content_type``, and ``render()``."""

from __future__ import annotations

from koepel.reports.renderers.base import Renderer, RendererUnavailable

__all__ = ["Renderer", "RendererUnavailable", "renderers"]


def renderers() -> dict[str, Renderer]:
    from koepel.reports.renderers.docx import DocxRenderer
    from koepel.reports.renderers.html import HtmlRenderer
    from koepel.reports.renderers.pdf import PdfRenderer

    found: list[Renderer] = [HtmlRenderer(), DocxRenderer(), PdfRenderer()]
    return {renderer.identifier: renderer for renderer in found}
