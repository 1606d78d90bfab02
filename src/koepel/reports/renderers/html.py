"""The report as one HTML file with its own print stylesheet: the page the browser prints and
the source WeasyPrint turns into PDF."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import translation

from koepel.reports.assemble import Assembled


def report_html(report: Assembled, *, for_print: bool = False) -> str:
    with translation.override("nl"):
        return render_to_string("reports/document.html", {"report": report, "for_print": for_print})


class HtmlRenderer:
    identifier = "html"
    label = "HTML"
    extension = "html"
    content_type = "text/html; charset=utf-8"

    def render(self, report: Assembled) -> bytes:
        return report_html(report).encode("utf-8")
