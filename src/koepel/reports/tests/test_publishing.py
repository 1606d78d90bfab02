"""Publishing freezes the public report: the page and its three files as they were when the
office published, until it publishes again. The house style (logo, Word template, colophon)
goes into the files; source links lead back to the server the report was read on."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document
from docx.shared import Pt
from pypdf import PdfReader

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
)
from koepel.reports import services
from koepel.reports.models import Publication, RenderStatus, ReportStyle, SectionStatus
from koepel.reports.tests.test_renderers import needs_weasyprint

YEAR = 2021
# The smallest PNG there is: one transparent pixel.
PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture
def network(db: None) -> dict[str, Any]:
    Network.objects.create(name="Stedenverband Noord", short_name="SVN")
    MembershipFactory(start=dt.date(2019, 1, 1), start_precision="year")
    group = BodyFactory(name="Werkgroep Energie")
    secretary = PersonFactory()
    RoleFactory(person=secretary, body=group, function="ambtelijk_secretaris")
    MeetingFactory(title="Overleg over warmte", bodies=[group], date=dt.date(2021, 3, 1), held=True)
    return {
        "group": group,
        "secretary": UserFactory(person=secretary),
        "office": UserFactory(office=True),
        "member": UserFactory(person=PersonFactory()),
    }


def _write(network: dict[str, Any], words: str, status: str = SectionStatus.FINAL) -> None:
    group = network["group"]
    key = f"body:{group.pk}"
    report = services.report_for_year(YEAR)
    text = report.texts.filter(key=key).first()
    services.section_save(
        actor=network["office"],
        report=report,
        key=key,
        body=group,
        narrative=words,
        status=status,
        kept=set(),
        edited={},
        generated={},
        version=text.version if text else 1,
    )


def _page(client: Client, query: str = "") -> BeautifulSoup:
    response = client.get(reverse("reports:report", args=[YEAR]) + query)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture(autouse=True)
def _work_done_at_commit(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the worker does once a request's transaction commits happens at once (the test's
    own transaction never commits)."""
    original = Client.post

    def post(self: Client, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)


def _publish(client: Client) -> Publication:
    response = client.post(reverse("reports:publish", args=[YEAR]))
    assert response.status_code == 302
    return Publication.objects.filter(status=RenderStatus.DONE).order_by("-published_at").first()  # type: ignore[return-value]


@needs_weasyprint
def test_the_public_page_shows_the_published_report_until_the_office_publishes_again(
    network: dict[str, Any], client: Client
) -> None:
    _write(network, "Warmte stond centraal.")
    client.force_login(network["office"])
    first = _publish(client)
    assert first is not None

    _write(network, "Later herschreven tekst.")
    public = Client()
    text = _page(public).get_text(" ")
    assert "Warmte stond centraal." in text
    assert "Later herschreven tekst." not in text
    assert "gepubliceerd" in text

    # A member may read the live report beside it; the office publishes the new words.
    client.force_login(network["secretary"])
    assert "Later herschreven tekst." in _page(client, "?versie=actueel").get_text(" ")
    client.force_login(network["office"])
    client.post(reverse("reports:publish", args=[YEAR]))
    assert Publication.objects.filter(status=RenderStatus.DONE).count() == 2
    text = _page(public).get_text(" ")
    assert "Later herschreven tekst." in text
    assert "Warmte stond centraal." not in text
    # An outsider cannot ask for the live version.
    assert "Warmte" not in _page(public, "?versie=actueel").get_text(" ")
    assert first.pk != Publication.objects.order_by("-published_at").first().pk  # type: ignore[union-attr]


@needs_weasyprint
def test_the_published_files_are_those_of_the_moment_of_publishing(
    network: dict[str, Any], client: Client
) -> None:
    _write(network, "Warmte stond centraal.")
    client.force_login(network["office"])
    _publish(client)
    _write(network, "Later herschreven tekst.")

    public = Client()
    files = {}
    for format in ("html", "docx", "pdf"):
        response = public.get(reverse("reports:published_file", args=[YEAR, format]))
        assert response.status_code == 200
        assert "gepubliceerd" in response["Content-Disposition"]
        files[format] = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert "Warmte stond centraal." in files["html"].decode()
    docx_text = "\n".join(p.text for p in Document(io.BytesIO(files["docx"])).paragraphs)
    assert "Warmte stond centraal." in docx_text
    pdf_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(files["pdf"])).pages)
    assert "Warmte stond centraal." in pdf_text
    assert "Later herschreven" not in pdf_text


def test_publishing_asks_first_and_says_which_sections_are_not_final(
    network: dict[str, Any], client: Client
) -> None:
    _write(network, "Nog in concept.", status=SectionStatus.REVIEW)
    client.force_login(network["office"])
    response = client.get(reverse("reports:publish", args=[YEAR]))
    assert response.status_code == 200
    text = BeautifulSoup(response.content, "html.parser").get_text(" ")
    assert "Werkgroep Energie" in text
    assert "ter review" in text
    assert not Publication.objects.exists()  # a GET publishes nothing


def test_only_the_office_publishes(network: dict[str, Any], client: Client) -> None:
    url = reverse("reports:publish", args=[YEAR])
    assert Client().post(url).status_code == 302  # to the sign-in page
    for who in ("secretary", "member"):
        client.force_login(network[who])
        assert client.get(url).status_code == 403
        assert client.post(url).status_code == 403
    assert not Publication.objects.exists()
    assert Client().get(reverse("reports:published_file", args=[YEAR, "pdf"])).status_code == 404


def test_a_failed_publication_keeps_the_last_one_and_tells_the_office(
    network: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from koepel.reports.renderers import docx

    _write(network, "Warmte stond centraal.")
    earlier = Publication.objects.create(
        year=YEAR, status=RenderStatus.DONE, page="<p>Eerder gepubliceerd.</p>"
    )
    earlier.published_at = earlier.requested_at
    earlier.save()

    def broken(self: Any, report: Any) -> bytes:
        raise OSError("schijf vol")

    monkeypatch.setattr(docx.DocxRenderer, "render", broken)
    client.force_login(network["office"])
    client.post(reverse("reports:publish", args=[YEAR]))
    failed = Publication.objects.exclude(pk=earlier.pk).get()
    assert failed.status == RenderStatus.FAILED
    assert not failed.html and not failed.pdf  # nothing half-made is kept
    assert "schijf vol" in _page(client).get_text(" ")
    assert "Eerder gepubliceerd." in _page(Client()).get_text(" ")


# --- house style ----------------------------------------------------------------------------


def _template(font: str) -> SimpleUploadedFile:
    document = Document()
    document.styles["Heading 1"].font.name = font
    document.styles["Heading 1"].font.size = Pt(21)
    document.add_paragraph("Voorbeeldtekst van het sjabloon")
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile("huisstijl.docx", buffer.getvalue())


def _save_style(client: Client, **data: Any) -> Any:
    style = ReportStyle.objects.filter(pk=1).first()
    data.setdefault("colophon", "")
    data.setdefault("version", style.version if style else 1)
    return client.post(reverse("reports:style"), data)


@needs_weasyprint
def test_the_office_s_logo_and_colophon_are_in_the_pdf(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["office"])
    response = _save_style(
        client,
        logo=SimpleUploadedFile("logo.png", PIXEL),
        colophon="Tekst en redactie: het netwerkbureau.",
    )
    assert response.status_code == 302
    response = client.get(reverse("reports:download", args=[YEAR, "pdf"]))
    client.post(reverse("reports:download", args=[YEAR, "pdf"]))
    response = client.get(reverse("reports:download", args=[YEAR, "pdf"]))
    pdf = PdfReader(io.BytesIO(b"".join(response.streaming_content)))  # type: ignore[attr-defined]
    assert list(pdf.pages[0].images), "the logo is on the cover"
    colophon = pdf.pages[1].extract_text()
    assert "Colofon" in colophon
    assert "Tekst en redactie: het netwerkbureau." in colophon
    # Every page after the front matter carries the network's name at its top.
    assert all("Stedenverband Noord" in page.extract_text() for page in pdf.pages[2:])


def test_the_word_version_takes_the_template_s_styles_not_its_text(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["office"])
    assert _save_style(client, word_template=_template("Georgia")).status_code == 302
    response = client.get(reverse("reports:download", args=[YEAR, "docx"]))
    document = Document(io.BytesIO(response.content))
    assert document.styles["Heading 1"].font.name == "Georgia"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "Voorbeeldtekst van het sjabloon" not in text
    assert "Werkgroep Energie" in text


def test_a_template_without_heading_styles_still_gives_headings_in_the_contents(
    network: dict[str, Any], client: Client
) -> None:
    # A minimal Word file: its styles part holds no heading styles at all.
    buffer = io.BytesIO()
    original = Document()
    original.save(buffer)
    stripped = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(stripped, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/styles.xml":
                soup = BeautifulSoup(data, "xml")
                for style in soup.find_all("w:style"):
                    if style.get("w:styleId", "").startswith(("Heading", "Title")):
                        style.decompose()
                data = str(soup).encode()
            target.writestr(item, data)
    client.force_login(network["office"])
    upload = SimpleUploadedFile("kaal.docx", stripped.getvalue())
    assert _save_style(client, word_template=upload).status_code == 302
    response = client.get(reverse("reports:download", args=[YEAR, "docx"]))
    document = Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings, "the chapters are Heading 1 paragraphs"


@pytest.mark.parametrize(
    ("field", "upload", "message"),
    [
        ("logo", SimpleUploadedFile("logo.png", b"not a picture"), "JPEG-afbeelding"),
        ("word_template", SimpleUploadedFile("sjabloon.docx", b"PK\x03\x04kapot"), "Word"),
    ],
)
def test_a_wrong_file_is_refused_by_name_and_the_stored_style_is_kept(
    network: dict[str, Any], client: Client, field: str, upload: Any, message: str
) -> None:
    client.force_login(network["office"])
    _save_style(client, colophon="Eerste colofon.", logo=SimpleUploadedFile("logo.png", PIXEL))
    stored = ReportStyle.objects.get()
    response = _save_style(client, colophon="Tweede colofon.", **{field: upload})
    assert response.status_code == 200
    errors = BeautifulSoup(response.content, "html.parser").select(".field-error")
    assert any(message in error.get_text() for error in errors)
    kept = ReportStyle.objects.get()
    assert kept.colophon == "Eerste colofon."
    assert kept.logo.name == stored.logo.name


def test_only_the_office_sets_the_house_style(network: dict[str, Any], client: Client) -> None:
    client.force_login(network["secretary"])
    assert client.get(reverse("reports:style")).status_code == 403
    assert _save_style(client, colophon="Niet van mij.").status_code == 403
    assert not ReportStyle.objects.exists()


# --- links and drafts -----------------------------------------------------------------------


def test_source_links_lead_to_the_server_the_report_is_read_on(
    network: dict[str, Any], client: Client, settings: Any
) -> None:
    settings.KOEPEL_BASE_URL = "https://elders.example.org"
    settings.ALLOWED_HOSTS = ["koepel.example.nl", "testserver"]
    page = _page(client)
    links = [a["href"] for a in page.select("a.source")]
    assert links and all(link.startswith("/") for link in links)

    response = client.get(
        reverse("reports:download", args=[YEAR, "html"]), HTTP_HOST="koepel.example.nl"
    )
    document = BeautifulSoup(response.content, "html.parser")
    links = [a["href"] for a in document.select("a.source")]
    assert links and all(link.startswith("http://koepel.example.nl/") for link in links)


def test_the_internal_version_marks_words_that_are_not_final(
    network: dict[str, Any], client: Client
) -> None:
    _write(network, "Nog niet af.", status=SectionStatus.DRAFT)
    client.force_login(network["secretary"])
    draft = _page(client, "?versie=intern").select_one(".draft-text")
    assert draft is not None
    assert "Nog niet af." in draft.get_text(" ")
    assert "Concept" in draft.get_text(" ")
    assert "Nog niet af." not in _page(Client()).get_text(" ")
