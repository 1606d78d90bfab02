"""The office's house style for the report files: read by the renderers, set through
``publishing.style_save``."""

from __future__ import annotations

import base64
import logging

from koepel.reports.assemble import render_markdown
from koepel.reports.models import ReportStyle

logger = logging.getLogger(__name__)

LOGO_LIMIT = 2 * 1024 * 1024
LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


def house_style() -> ReportStyle:
    """The house style; an empty one (no logo, no template) until the office sets it."""
    return ReportStyle.objects.filter(pk=1).first() or ReportStyle(pk=1)


def logo_data_url(style: ReportStyle | None = None) -> str:
    """The logo as a data: URL, so the PDF carries it without fetching anything; "" when
    there is none or its file is gone."""
    style = style or house_style()
    if not style.logo:
        return ""
    try:
        with style.logo.open("rb") as handle:
            data = handle.read(LOGO_LIMIT + 1)
    except OSError:
        logger.warning("The report's logo file %s cannot be read", style.logo.name)
        return ""
    mime = logo_type(data)
    if mime is None:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def word_template() -> bytes | None:
    style = house_style()
    if not style.word_template:
        return None
    try:
        with style.word_template.open("rb") as handle:
            data: bytes = handle.read()
            return data
    except OSError:
        logger.warning("The report's Word template %s cannot be read", style.word_template.name)
        return None


def colophon_html(style: ReportStyle | None = None) -> str:
    style = style or house_style()
    return render_markdown(style.colophon) if style.colophon.strip() else ""


def logo_type(data: bytes) -> str | None:
    return next((mime for magic, mime in LOGO_TYPES.items() if data.startswith(magic)), None)
