"""The report as PDF: the print stylesheet of the HTML report, laid out by WeasyPrint.

WeasyPrint and the system libraries it needs (Pango) are loaded only when a PDF is made, so a
server without them still serves the report as HTML and Word.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from koepel.reports.assemble import Assembled
from koepel.reports.renderers.base import RendererUnavailable
from koepel.reports.renderers.html import report_html


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-untyped]
    except ImportError as error:
        raise _unavailable("de bibliotheek WeasyPrint is niet geïnstalleerd") from error
    except OSError as error:
        raise _unavailable(f"een systeembibliotheek ontbreekt ({error})") from error
    return weasyprint


def _unavailable(reason: str) -> RendererUnavailable:
    return RendererUnavailable(
        f"PDF kan op deze server niet worden gemaakt: {reason}; HTML en Word werken wel."
    )


# Tagged PDF with the document's language and title, as public bodies must publish it
# (PDF/UA, the accessibility standard the Dutch government asks for in published documents).
OPTIONS = {"pdf_variant": "pdf/ua-1"}


def _html(weasyprint: Any, html: str) -> Any:
    # Links resolve against the site's own address, but nothing is fetched: the stylesheet is
    # inline, the fonts are the machine's, and any other resource (http, file, …) is refused
    # instead of loaded.
    return weasyprint.HTML(
        string=html,
        base_url=f"{settings.KOEPEL_BASE_URL}/",
        url_fetcher=_fetch_nothing(weasyprint),
    )


def _fetch_nothing(weasyprint: Any) -> Any:
    """A fetcher that loads data: URLs only."""
    if hasattr(weasyprint, "URLFetcher"):
        return weasyprint.URLFetcher(allowed_protocols={"data"})

    def fetch(url: str, *args: Any, **kwargs: Any) -> Any:  # WeasyPrint before URLFetcher
        if url.startswith("data:"):
            return weasyprint.default_url_fetcher(url, *args, **kwargs)
        raise ValueError(f"Not fetched: {url}")

    return fetch


def _write(html: str) -> tuple[bytes, int]:
    document = _html(_weasyprint(), html).render(**OPTIONS)
    return document.write_pdf(**OPTIONS), len(document.pages)


class PdfRenderer:
    identifier = "pdf"
    label = "PDF"
    extension = "pdf"
    content_type = "application/pdf"

    def render(self, report: Assembled) -> bytes:
        return self.render_counted(report)[0]

    def render_counted(self, report: Assembled) -> tuple[bytes, int]:
        """The PDF and its number of pages."""
        return _write(report_html(report, for_print=True))


def weasyprint_alone(html: str) -> bytes:
    """WeasyPrint on its own on a finished HTML page, with the options Koepel uses: the
    yardstick the benchmark holds Koepel's PDF, assembled from the records, against."""
    weasyprint = _weasyprint()
    data: bytes = weasyprint.HTML(string=html, base_url=f"{settings.KOEPEL_BASE_URL}/").write_pdf(
        **OPTIONS
    )
    return data
