"""The report as one HTML file with its own print stylesheet: the page the browser prints and
the source WeasyPrint turns into PDF."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone, translation

from koepel.reports.assemble import Assembled
from koepel.reports.style import colophon_html, house_style, logo_data_url


def report_html(report: Assembled, *, for_print: bool = False) -> str:
    """The report as one HTML file; for print (the PDF) with the office's logo on the cover
    and a colophon after it."""
    context = {"report": report, "for_print": for_print}
    if for_print:
        style = house_style()
        context |= {
            "logo": logo_data_url(style),
            "colophon": colophon_html(style),
            "made_on": timezone.localdate(),
        }
    with translation.override("nl"):
        return render_to_string("reports/document.html", context)


class HtmlRenderer:
    identifier = "html"
    label = "HTML"
    extension = "html"
    content_type = "text/html; charset=utf-8"

    def render(self, report: Assembled) -> bytes:
        return report_html(report).encode("utf-8")
