"""The annual report as HTML, Word and PDF, and the rendered files the task worker keeps."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import re
import socket
from collections.abc import Callable
from typing import Any

import docx
import pytest
from bs4 import BeautifulSoup
from django.utils.text import slugify
from docx.oxml.ns import qn
from pypdf import PdfReader

from koepel.advocacy.models import LobbyAction, Stage
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Body, Organisation
from koepel.reports.assemble import Assembled, assemble
from koepel.reports.models import (
    AnnualReport,
    RenderedFile,
    RenderStatus,
    SectionStatus,
    SectionText,
)
from koepel.reports.renderers import RendererUnavailable, renderers
from koepel.reports.renderers.docx import FACTS_STYLE, TOC_INSTRUCTION
from koepel.reports.tasks import request_file

CaptureCallbacks = Callable[..., Any]


def _weasyprint_loads() -> bool:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


needs_weasyprint = pytest.mark.skipif(
    not _weasyprint_loads(), reason="WeasyPrint or its system libraries (Pango) cannot load here"
)

NARRATIVE = (
    "Het jaar begon **digitaal** en eindigde *fysiek*.\n\n"
    "- de [propositie](https://g40stedennetwerk.nl/propositie) aangeboden\n"
    "- drie netwerkdagen\n\n"
    "Daarna:\n\n"
    "1. eerste stap\n"
    "2. tweede stap\n"
)


@pytest.fixture
def report(shared_demo: None) -> Assembled:
    return assemble(2021, "public")


def _word(content: bytes) -> Any:
    return docx.Document(io.BytesIO(content))


def _without_weasyprint(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on a server where Pango is missing: importing WeasyPrint fails with OSError."""
    real_import = builtins.__import__

    def failing_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "weasyprint" or name.startswith("weasyprint."):
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", failing_import)


# --- Word -----------------------------------------------------------------------------------


def test_word_has_the_sections_as_headings_in_the_order_of_the_report(report: Assembled) -> None:
    document = _word(renderers()["docx"].render(report))
    headings = [
        (int(p.style.name[-1]), p.text)
        for p in document.paragraphs
        if p.style.name in {"Heading 1", "Heading 2"}
    ]
    assert headings == [(s.level, f"{s.number} {s.title}") for s in report.sections]
    title = next(p for p in document.paragraphs if p.style.name == "Title")
    assert report.network_name in title.text and "Jaarverslag 2021" in title.text


def test_word_has_a_contents_field_page_numbers_a4_and_dutch_properties(
    report: Assembled,
) -> None:
    document = _word(renderers()["docx"].render(report))
    instructions = [el.text for el in document.element.body.iter(qn("w:instrText"))]
    assert any(TOC_INSTRUCTION in text for text in instructions)
    assert any("Veld bijwerken" in p.text for p in document.paragraphs)
    section = document.sections[0]
    footer_fields = [el.text.strip() for el in section.footer._element.iter(qn("w:instrText"))]
    assert footer_fields == ["PAGE"]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    properties = document.core_properties
    assert properties.language == "nl-NL"
    assert "Jaarverslag 2021" in properties.title
    assert "2021" in properties.subject


def test_word_writes_the_facts_as_prose_and_links_each_sentence_to_its_sources(
    report: Assembled,
) -> None:
    document = _word(renderers()["docx"].render(report))
    prose = [p for p in document.paragraphs if p.style.name == FACTS_STYLE]
    assert not [p for p in document.paragraphs if p.style.name == "List Bullet"]
    paragraphs = [para for section in report.sections for para in section.paragraphs]
    assert len(prose) == len(paragraphs)
    for paragraph, facts in zip(prose, paragraphs, strict=True):
        text = re.sub(r" \[\d+\]", "", paragraph.text)
        assert text == " ".join(fact.text for fact in facts)
        addresses = {link.address for link in paragraph.hyperlinks}
        assert addresses == {url for fact in facts for _label, url in fact.links}
    rels = document.part.rels.values()
    assert any(rel.is_external and rel.reltype.endswith("/hyperlink") for rel in rels)
    cities = next(p for p in prose if "De 40 gemeenten van de G40 zijn" in p.text)
    assert [link.text for link in cities.hyperlinks][:2] == ["Alkmaar", "Almelo"]


def test_word_keeps_the_narrative_paragraphs_lists_emphasis_and_links(
    shared_demo: None,
) -> None:
    year = AnnualReport.objects.create(year=2021)
    SectionText.objects.create(
        report=year, key="voorwoord", narrative=NARRATIVE, status=SectionStatus.FINAL
    )
    document = _word(renderers()["docx"].render(assemble(2021, "public", report=year)))
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.style.name == "Heading 1") + 1
    opening, first, second, then, step_one, step_two = paragraphs[start : start + 6]
    assert opening.style.name == "Normal"
    assert opening.text == "Het jaar begon digitaal en eindigde fysiek."
    assert [r.text for r in opening.runs if r.bold] == ["digitaal"]
    assert [r.text for r in opening.runs if r.italic] == ["fysiek"]
    assert (first.style.name, second.style.name) == ("List Bullet", "List Bullet")
    assert [link.address for link in first.hyperlinks] == ["https://g40stedennetwerk.nl/propositie"]
    assert (then.style.name, then.text) == ("Normal", "Daarna:")
    assert (step_one.style.name, step_two.text) == ("List Number", "tweede stap")


# --- HTML and PDF ---------------------------------------------------------------------------


def test_html_has_a_contents_list_that_points_at_every_section(report: Assembled) -> None:
    page = BeautifulSoup(renderers()["html"].render(report), "html.parser")
    entries = page.select("nav.toc li a")
    assert [a.get_text() for a in entries] == [f"{s.number} {s.title}" for s in report.sections]
    for entry, section in zip(entries, report.sections, strict=True):
        assert entry["href"] == f"#{slugify(section.key)}"
        assert page.find(id=slugify(section.key)) is not None


@needs_weasyprint
def test_pdf_is_a_tagged_a4_document_with_the_cover_and_the_facts(report: Assembled) -> None:
    content = renderers()["pdf"].render(report)
    assert content.startswith(b"%PDF")
    pdf = PdfReader(io.BytesIO(content))
    assert len(pdf.pages) > 10
    assert round(float(pdf.pages[0].mediabox.width) / 72 * 25.4) == 210
    text = " ".join(" ".join(page.extract_text() for page in pdf.pages).split())
    cover = " ".join(pdf.pages[0].extract_text().split())
    assert "Jaarverslag 2021" in cover and report.network_name in cover
    assert "In 2021 kwam het bestuurlijk overleg van de themagroep Sterke Keten" in text
    assert pdf.trailer["/Root"]["/MarkInfo"]["/Marked"]
    assert pdf.trailer["/Root"]["/Lang"] == "nl"


@needs_weasyprint
def test_pdf_is_made_without_fetching_anything(
    report: Assembled, monkeypatch: pytest.MonkeyPatch
) -> None:
    from koepel.reports.renderers import pdf

    attempts: list[object] = []

    def no_network(self: socket.socket, address: object) -> None:
        attempts.append(address)
        raise OSError("no network in this test")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    external = (
        '<link rel="stylesheet" href="https://cdn.example.org/style.css">'
        '<img src="http://example.org/logo.png" alt="logo"><img src="file:///etc/hostname" alt="">'
    )
    monkeypatch.setattr(
        pdf,
        "report_html",
        lambda report, for_print: f"<html><body>{external}<p>x</p></body></html>",
    )
    assert renderers()["pdf"].render(report).startswith(b"%PDF")
    assert attempts == []


def test_without_weasyprint_pdf_is_refused_in_dutch_and_html_and_word_still_work(
    report: Assembled, monkeypatch: pytest.MonkeyPatch
) -> None:
    _without_weasyprint(monkeypatch)
    with pytest.raises(RendererUnavailable) as refused:
        renderers()["pdf"].render(report)
    message = str(refused.value)
    assert message.startswith("PDF kan op deze server niet worden gemaakt: ")
    assert message.endswith("HTML en Word werken wel.")
    assert renderers()["html"].render(report).startswith(b"<!doctype html>")
    assert renderers()["docx"].render(report).startswith(b"PK")


# --- cost -----------------------------------------------------------------------------------


def _add_records(count: int) -> None:
    bodies = list(Body.objects.filter(kind="theme_group"))
    addressees = list(Organisation.objects.all()[:3])
    for n in range(count):
        body = bodies[n % len(bodies)]
        when = dt.date(2021, 1 + n % 12, 1 + n % 28)
        MeetingFactory(
            title=f"Extra overleg {n}",
            bodies=[body, bodies[(n + 1) % len(bodies)]],
            date=when,
            held=True,
        )
        action = LobbyAction.objects.create(
            title=f"Extra brief {n}",
            kind="brief",
            date=when,
            stage=Stage.SENT,
            visibility="public",
        )
        action.bodies.set([body])
        action.addressees.set(addressees)


def test_building_the_report_takes_the_same_few_queries_however_many_records(
    shared_demo: None, django_assert_max_num_queries: Any
) -> None:
    year = AnnualReport.objects.create(year=2021)

    def build() -> int:
        # The same few whatever the records (asserted below): among them one read of the
        # vocabulary and one of the report's house style (for the Word version).
        with django_assert_max_num_queries(33) as queries:
            report = assemble(2021, "network", report=year)
            renderers()["html"].render(report)
            renderers()["docx"].render(report)
        return len(queries)

    with_the_demo = build()
    _add_records(60)
    assert build() == with_the_demo


# --- rendered files -------------------------------------------------------------------------


def test_a_requested_file_is_made_and_kept_until_the_report_changes(
    shared_demo: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = request_file(2021, "docx", "public")
    first.refresh_from_db()
    assert first.status == RenderStatus.DONE, first.error
    with first.file.open("rb") as handle:
        assert _word(handle.read()).paragraphs[0].style.name == "Title"

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = request_file(2021, "docx", "public")
    assert again.pk == first.pk and callbacks == []

    body = Body.objects.get(name="Themagroep Sterke Keten")
    MeetingFactory(
        title="Nieuw openbaar overleg", bodies=[body], date=dt.date(2021, 12, 1), held=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        changed = request_file(2021, "docx", "public")
    changed.refresh_from_db()
    assert changed.pk != first.pk
    assert changed.status == RenderStatus.DONE
    assert not RenderedFile.objects.filter(pk=first.pk).exists()  # the old one is not kept


def test_a_file_being_made_is_not_asked_for_twice(
    shared_demo: None, django_capture_on_commit_callbacks: CaptureCallbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = request_file(2021, "docx", "network")
        second = request_file(2021, "docx", "network")
    assert first.pk == second.pk
    assert first.status == RenderStatus.WAITING
    # Among what runs at the commit (the data's new version too), the task is queued once.
    queued = [
        c for c in callbacks if getattr(getattr(c, "func", None), "__name__", "") == "enqueue"
    ]
    assert len(queued) == 1


def test_a_file_that_cannot_be_made_is_marked_failed_with_the_reason(
    shared_demo: None,
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: CaptureCallbacks,
) -> None:
    _without_weasyprint(monkeypatch)
    with django_capture_on_commit_callbacks(execute=True):
        rendered = request_file(2021, "pdf", "public")
    rendered.refresh_from_db()
    assert rendered.status == RenderStatus.FAILED
    assert rendered.error.startswith("PDF kan op deze server niet worden gemaakt")
    assert not rendered.file
