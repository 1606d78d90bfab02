"""Reading an uploaded file: what comes out of a Word file read as a stream, the state of every
version and its reason, the limits on sections, text and time, reading again (from the page and
after a reader stopped halfway), and uploads that fail leaving nothing behind."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koepel.accounts.tests.factories import UserFactory
from koepel.core import worker
from koepel.library import reading, services, tasks
from koepel.library.extraction import UnreadableFile, extract_text
from koepel.library.models import Document, DocumentFile, Extraction, Section
from koepel.library.tests import files
from koepel.registry.tests.factories import (
    BodyFactory,
    MunicipalityFactory,
    PersonFactory,
    RoleFactory,
)
from koepel.search.models import SearchEntry

REPORT = (
    b"# Jaarverslag\n\nHet jaar van Zwolle.\n\n## Wonen\n\nWoningen in Zwolle.\n\n"
    b"### Middenhuur\n\nMeer middenhuur.\n\n## Zorg\n\nJeugdzorg in de wijk.\n"
)


@pytest.fixture
def group(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Themagroep Woningmarkt", slug="woningmarkt")
    secretary = PersonFactory(name="Sanne Secretaris")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    member = PersonFactory()
    RoleFactory(person=member, body=body)
    return {
        "body": body,
        "secretary": UserFactory(person=secretary),
        "member": UserFactory(person=member),
        "office": UserFactory(office=True),
    }


def _upload(client: Client, body: Any, name: str, content: bytes, title: str = "Verslag") -> Any:
    return client.post(
        reverse("library:create"),
        {
            "title": title,
            "kind": "rapport",
            "language": "nl",
            "visibility": "public",
            "bodies": [body.pk],
            "file": SimpleUploadedFile(name, content),
        },
    )


def _sections(document: Document) -> list[tuple[Any, ...]]:
    """Everything a section is, apart from its id: what reading it twice must give alike."""
    by_id = {section.pk: section for section in document.sections.all()}
    return [
        (
            section.position,
            section.level,
            section.title,
            section.trail,
            section.text,
            by_id[section.parent_id].position if section.parent_id else None,
            sorted(section.municipalities.values_list("pk", flat=True)),
        )
        for section in document.sections.order_by("position")
    ]


def _page_text(client: Client, document: Document) -> str:
    page = client.get(document.get_absolute_url())
    return " ".join(BeautifulSoup(page.content, "html.parser").get_text().split())


# --- Word files, read as a stream ---------------------------------------------------------------


def test_a_word_file_gives_its_headings_tables_and_text_boxes_once_and_no_deleted_text() -> None:
    content = files.docx_with_body(
        '<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Wonen</w:t></w:r></w:p>'
        # A paragraph in runs, with a tab, and a word deleted under tracked changes.
        '<w:p><w:r><w:t xml:space="preserve">Meer </w:t></w:r><w:del><w:r>'
        "<w:delText>dure </w:delText></w:r></w:del><w:r><w:t>woningen</w:t><w:tab/>"
        "<w:t>nu.</w:t></w:r></w:p>"
        # A heading by its outline level alone.
        '<w:p><w:pPr><w:outlineLvl w:val="1"/></w:pPr><w:r><w:t>Middenhuur</w:t></w:r></w:p>'
        # A table: every cell's text.
        "<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Zwolle</w:t></w:r></w:p></w:tc>"
        "<w:tc><w:p><w:r><w:t>120 woningen</w:t></w:r></w:p></w:tc></w:tr></w:tbl>"
        # A text box: Word writes it twice, as the choice and as the fallback.
        "<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r>"
        "<w:t>In het kader</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback>"
        "<w:txbxContent><w:p><w:r><w:t>In het kader</w:t></w:r></w:p></w:txbxContent>"
        "</mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    assert extract_text(content, "docx") == (
        "# Wonen\n\nMeer woningen\tnu.\n\n## Middenhuur\n\nZwolle\n\n120 woningen\n\nIn het kader"
    )


def test_text_beyond_the_limit_is_refused_before_it_is_all_read() -> None:
    content = files.docx_report(3000)
    whole: list[int] = []
    assert len(extract_text(content, "docx", tick=lambda: whole.append(1))) > 500_000
    chunks: list[int] = []
    with pytest.raises(UnreadableFile, match=r"meer dan 50\.000 tekens tekst"):
        extract_text(content, "docx", max_chars=50_000, tick=lambda: chunks.append(1))
    assert len(chunks) < len(whole) / 2, "stopped at the limit, not after the whole file"


# --- The state of a version ---------------------------------------------------------------------


def test_an_upload_is_done_only_with_its_text_its_sections_and_its_search_entries(
    group: dict[str, Any], client: Client
) -> None:
    MunicipalityFactory(name="Zwolle")
    client.force_login(group["secretary"])
    _upload(client, group["body"], "verslag.md", REPORT)
    document = Document.objects.get()
    version = document.files.get()
    assert version.extraction == Extraction.DONE
    assert (version.extraction_error, version.reader, version.reading_until) == (
        "",
        "",
        None,
    )
    assert [section[2] for section in _sections(document)] == [
        "Jaarverslag",
        "Wonen",
        "Middenhuur",
        "Zorg",
    ]
    keys = set(SearchEntry.objects.values_list("key", flat=True))
    assert {
        f"library.section:{pk}" for pk in document.sections.values_list("pk", flat=True)
    } <= keys
    page = _page_text(client, document)
    assert "Meer middenhuur." in page
    assert "wordt gelezen" not in page and "kon niet worden gelezen" not in page


def test_a_file_without_text_is_failed_with_its_reason_never_done(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    _upload(client, group["body"], "scan.pdf", files.pdf(""))
    version = DocumentFile.objects.get()
    assert version.extraction == Extraction.FAILED
    assert "geen tekst" in version.extraction_error
    assert not Section.objects.exists()
    assert "geen tekst in het bestand" in _page_text(client, version.document)


def test_too_many_sections_fail_with_the_limit_and_reading_again_reads_them(
    group: dict[str, Any], client: Client, settings: Any
) -> None:
    settings.KOEPEL_READING_MAX_SECTIONS = 3
    client.force_login(group["secretary"])
    _upload(client, group["body"], "verslag.md", REPORT)
    document = Document.objects.get()
    version = document.files.get()
    assert version.extraction == Extraction.FAILED
    assert version.extraction_error == (
        "het document heeft meer dan 3 koppen; zo veel secties maakt Koepel niet"
    )
    assert not document.sections.exists()
    assert not SearchEntry.objects.filter(key__startswith="library.section:").exists()
    page = BeautifulSoup(client.get(document.get_absolute_url()).content, "html.parser")
    assert "meer dan 3 koppen" in page.get_text()
    button = page.select_one(f"form[action='{_read_again(document, 1)}'] button")
    assert button is not None and button.get_text(strip=True) == "Lees het bestand opnieuw"

    settings.KOEPEL_READING_MAX_SECTIONS = 10
    response = client.post(_read_again(document, 1))
    assert response.status_code == 302
    version.refresh_from_db()
    assert (version.extraction, version.extraction_error) == (Extraction.DONE, "")
    assert document.sections.count() == 4


def test_reading_that_takes_too_long_stops_with_its_reason(
    group: dict[str, Any], client: Client, settings: Any
) -> None:
    settings.KOEPEL_READING_MAX_SECONDS = 0
    client.force_login(group["secretary"])
    _upload(client, group["body"], "verslag.docx", files.docx_report(50))
    version = DocumentFile.objects.get()
    assert version.extraction == Extraction.FAILED
    assert version.extraction_error.startswith("het lezen duurde langer dan 0 seconden")
    assert not Section.objects.exists()


def test_reading_twice_gives_the_same_sections(group: dict[str, Any], client: Client) -> None:
    MunicipalityFactory(name="Zwolle")
    client.force_login(group["office"])
    _upload(client, group["body"], "verslag.md", files.markdown_report(300))
    document = Document.objects.get()
    first = _sections(document)
    first_keys = SearchEntry.objects.filter(key__startswith="library.section:").count()
    assert len(first) == 300 and any(section[6] for section in first)

    client.post(_read_again(document, 1))

    assert document.files.get().extraction == Extraction.DONE
    assert _sections(document) == first
    assert SearchEntry.objects.filter(key__startswith="library.section:").count() == first_keys


def test_only_who_may_edit_the_document_may_have_it_read_again(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    _upload(client, group["body"], "verslag.md", REPORT)
    document = Document.objects.get()
    client.force_login(group["member"])
    assert client.post(_read_again(document, 1)).status_code == 403
    assert client.get(_read_again(document, 1)).status_code == 405


def test_the_office_finds_the_documents_that_could_not_be_read(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    _upload(client, group["body"], "goed.md", REPORT, title="Goed gelezen")
    _upload(client, group["body"], "scan.pdf", files.pdf(""), title="Gescand verslag")
    documents = reverse("library:documents")

    # A member is told nothing and has no such filter.
    client.force_login(group["member"])
    page = BeautifulSoup(client.get(documents).content, "html.parser")
    assert page.select_one("[name=leesstatus]") is None
    assert "kon niet worden gelezen" not in page.get_text()

    client.force_login(group["office"])
    page = BeautifulSoup(client.get(documents).content, "html.parser")
    assert "Het bestand van 1 document kon niet worden gelezen" in page.get_text()
    listed = BeautifulSoup(client.get(documents, {"leesstatus": "mislukt"}).content, "html.parser")
    titles = [link.get_text() for link in listed.select("tbody th a")]
    assert titles == ["Gescand verslag"]


def test_the_documents_that_could_not_be_read_are_counted_up_to_the_cap(
    group: dict[str, Any], client: Client, settings: Any
) -> None:
    settings.KOEPEL_COUNT_CAP = 2
    client.force_login(group["secretary"])
    for n in range(2):
        _upload(client, group["body"], f"scan{n}.pdf", files.pdf(""), title=f"Scan {n}")
    client.force_login(group["office"])
    documents = reverse("library:documents")
    page = BeautifulSoup(client.get(documents).content, "html.parser")
    assert "De bestanden van 2 documenten konden niet worden gelezen" in page.get_text()

    client.force_login(group["secretary"])
    _upload(client, group["body"], "scan2.pdf", files.pdf(""), title="Scan 2")
    client.force_login(group["office"])
    page = BeautifulSoup(client.get(documents).content, "html.parser")
    text = " ".join(page.get_text().split())
    assert "De bestanden van meer dan 2 documenten konden niet worden gelezen" in text


# --- A reader that stopped halfway --------------------------------------------------------------


def _left_by_a_stopped_reader(version: DocumentFile, *, written: int) -> None:
    """The state a reader leaves when its process is killed while writing sections: the
    version held under a lease that has run out, and the first sections written."""
    DocumentFile.objects.filter(pk=version.pk).update(
        extraction=Extraction.READING,
        reader="a-reader-that-was-killed",
        reading_until=timezone.now() - dt.timedelta(seconds=1),
    )
    Section.objects.filter(document=version.document, position__gt=written).delete()


def test_a_reading_left_halfway_is_taken_up_again_and_ends_as_if_never_stopped(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    _upload(client, group["body"], "verslag.md", files.markdown_report(250))
    document = Document.objects.get()
    version = document.files.get()
    whole = _sections(document)
    _left_by_a_stopped_reader(version, written=120)

    # Whoever still held it, as long as the lease lasts nobody else reads it.
    assert reading.read(version.pk) is reading.Outcome.NOT_OURS
    # The task worker finds the lease run out, and reads it again.
    assert tasks.recover() == 1
    version.refresh_from_db()
    assert (version.extraction, version.reading_interruptions) == (Extraction.DONE, 0)
    assert _sections(document) == whole
    assert tasks.recover() == 0


def test_a_version_whose_reading_keeps_being_interrupted_is_failed_with_the_reason(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    _upload(client, group["body"], "verslag.md", files.markdown_report(40))
    version = DocumentFile.objects.get()
    DocumentFile.objects.filter(pk=version.pk).update(
        reading_interruptions=reading.MAX_INTERRUPTIONS - 1
    )
    _left_by_a_stopped_reader(version, written=10)

    assert tasks.recover() == 0
    version.refresh_from_db()
    assert version.extraction == Extraction.FAILED
    assert version.extraction_error.startswith("het lezen is 3 keer afgebroken")
    assert not Section.objects.exists()


def _waiting(actor: Any, content: bytes) -> DocumentFile:
    """A Word file stored and waiting to be read, as an upload leaves it (nobody reads it)."""
    document = services.document_create(
        actor=actor, title="Verslag", kind="rapport", visibility="public"
    )
    return DocumentFile.objects.create(
        document=document,
        number=1,
        file=SimpleUploadedFile("verslag.docx", content),
        original_name="verslag.docx",
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        size=len(content),
        sha256="",
    )


def test_a_reading_handed_back_in_time_waits_for_the_worker_and_is_read_by_it(
    group: dict[str, Any],
) -> None:
    version = _waiting(group["office"], files.docx_report(100))
    document = version.document
    # The request that uploaded it may spend no time on it: it hands it back at once.
    assert reading.read(version.pk, hand_back_after=-1) is reading.Outcome.HANDED_BACK
    version.refresh_from_db()
    assert (version.extraction, version.reader) == (Extraction.PENDING, "")
    assert tasks.recover() == 1
    version.refresh_from_db()
    assert version.extraction == Extraction.DONE
    assert document.sections.count() == 100


def test_a_worker_asked_to_stop_hands_its_reading_back_for_the_next_start(
    group: dict[str, Any],
) -> None:
    version = _waiting(group["office"], files.docx_report(100))
    worker.stopping.set()
    try:
        assert reading.read(version.pk) is reading.Outcome.HANDED_BACK
    finally:
        worker.stopping.clear()
    version.refresh_from_db()
    assert version.extraction == Extraction.PENDING
    assert tasks.recover() == 1  # as the worker does when it starts again
    version.refresh_from_db()
    assert version.extraction == Extraction.DONE


# --- Uploads that fail --------------------------------------------------------------------------


@pytest.fixture
def refusing_database(db: None) -> None:
    """A database that refuses every new file version, as a full disk or a lost connection
    would, after the file itself has been written."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION weiger_versie() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'geen ruimte'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER weiger_versie BEFORE INSERT ON library_documentfile "
                "FOR EACH ROW EXECUTE FUNCTION weiger_versie()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER weiger_versie BEFORE INSERT ON library_documentfile "
                "BEGIN SELECT RAISE(ABORT, 'geen ruimte'); END"
            )


def _stored_files(settings: Any) -> list[Path]:
    root = Path(settings.KOEPEL_PRIVATE_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def test_an_upload_the_database_refuses_leaves_no_file_behind(
    group: dict[str, Any], client: Client, settings: Any, refusing_database: None
) -> None:
    client.force_login(group["secretary"])
    with pytest.raises(DatabaseError):
        _upload(client, group["body"], "verslag.md", REPORT)
    assert not Document.objects.exists()
    assert _stored_files(settings) == []


def test_every_upload_has_a_folder_of_its_own(
    group: dict[str, Any], client: Client, settings: Any
) -> None:
    client.force_login(group["secretary"])
    _upload(client, group["body"], "verslag.md", REPORT)
    document = Document.objects.get()
    client.post(
        reverse("library:version-add", args=[document.slug]),
        {"file": SimpleUploadedFile("verslag.md", REPORT + b"\nNog een alinea.\n")},
    )
    stored = _stored_files(settings)
    assert len(stored) == 2
    assert len({path.parent for path in stored}) == 2
    names = {str(version.file.name) for version in DocumentFile.objects.all()}
    assert {path.relative_to(settings.KOEPEL_PRIVATE_ROOT).as_posix() for path in stored} == names


def _read_again(document: Document, number: int) -> str:
    return reverse("library:read-again", args=[document.slug, number])


def test_the_page_of_a_file_being_read_updates_itself_and_says_when_it_is_done(
    group: dict[str, Any], client: Client
) -> None:
    version = _waiting(group["office"], files.docx_report(3))
    document = version.document
    status_url = reverse("library:reading-status", args=[document.slug])
    page = BeautifulSoup(client.get(document.get_absolute_url()).content, "html.parser")
    region = page.select_one("#reading-status")
    assert region is not None and region["aria-live"] == "polite"
    assert region["data-status-url"] == status_url
    assert page.select_one('script[src$="waiting.js"]') is not None
    answer = client.get(status_url)
    assert answer.json() == {"waiting": True, "status": "wachtend"}
    assert answer["Cache-Control"] == "no-store"

    assert tasks.recover() == 1  # the worker reads it
    assert client.get(status_url).json() == {"waiting": False, "status": "klaar"}
    page = BeautifulSoup(client.get(document.get_absolute_url()).content, "html.parser")
    assert page.select_one("#reading-status") is None  # nothing to wait for: the page reloads


def test_the_reading_status_of_a_document_is_for_those_who_may_see_it(
    group: dict[str, Any], client: Client
) -> None:
    version = _waiting(group["office"], files.docx_report(3))
    document = version.document
    document.visibility = "restricted"
    document.save()
    status_url = reverse("library:reading-status", args=[document.slug])
    assert client.get(status_url).status_code == 404
    client.force_login(group["office"])
    assert client.get(status_url).status_code == 200
