"""Output formats of the annual report, as a small registry: each renderer has an
``identifier``, a ``label``, a file ``extension`` and ``content_type``, and ``render()``."""

from __future__ import annotations

from typing import Protocol

from koepel.reports.assemble import Assembled


class RendererUnavailable(Exception):
    """The format cannot be made on this machine (a system library is missing)."""


class Renderer(Protocol):
    identifier: str
    label: str
    extension: str
    content_type: str

    def render(self, report: Assembled) -> bytes: ...


def renderers() -> dict[str, Renderer]:
    from koepel.reports.renderers.docx import DocxRenderer
    from koepel.reports.renderers.html import HtmlRenderer
    from koepel.reports.renderers.pdf import PdfRenderer

    found: list[Renderer] = [HtmlRenderer(), DocxRenderer(), PdfRenderer()]
    return {renderer.identifier: renderer for renderer in found}
