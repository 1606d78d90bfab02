"""What every output format of the annual report is, apart from the registry of them in
``__init__`` (which imports the formats, so they cannot import it)."""

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
