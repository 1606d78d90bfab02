"""Upload, version, find and download documents in the browser, with visibility enforced."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.library.models import Document, DocumentFile, Extraction
from koepel.library.tests import files
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


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
        "outsider": UserFactory(person=RoleFactory().person),
    }


def _download(client: Client, url: str) -> tuple[int, bytes, Any]:
    response = client.get(url)
    # Reading the stream to its end closes the file the way the test client expects; closing
    # the response by hand would also close the database connection of the test.
    content = b"".join(response.streaming_content) if response.status_code == 200 else b""  # type: ignore[attr-defined]
    return response.status_code, content, response


def _upload(client: Client, body: Any, name: str, content: bytes, **fields: str) -> Any:
    return client.post(
        reverse("library:create"),
        {
            "title": fields.get("title", "Notitie woningmarkt"),
            "kind": "rapport",
            "date": "2021-05",
            "language": "nl",
            "visibility": fields.get("visibility", "public"),
            "bodies": [body.pk],
            "file": SimpleUploadedFile(name, content),
        },
    )


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("notitie.pdf", files.pdf("Woningen in de wijk")),
        ("notitie.docx", files.docx("Woningmarkt", ["Woningen in de wijk"])),
        ("notitie.odt", files.odt("Woningmarkt", ["Woningen in de wijk"])),
        ("notitie.txt", b"Woningen in de wijk\n"),
        ("notitie.md", b"# Woningmarkt\n\nWoningen in de wijk\n"),
    ],
)
def test_the_text_of_each_kind_of_file_is_read_at_upload(
    group: dict[str, Any], client: Client, name: str, content: bytes
) -> None:
    client.force_login(group["secretary"])
    response = _upload(client, group["body"], name, content)
    document = Document.objects.get()
    assert response["Location"] == document.get_absolute_url()
    version = document.files.get()
    assert version.extraction == Extraction.DONE
    assert "Woningen in de wijk" in version.text
    assert "Woningen in de wijk" in client.get(document.get_absolute_url()).content.decode()


def test_a_new_version_is_kept_beside_the_old_and_the_latest_is_shown(
    group: dict[str, Any], client: Client
) -> None:
    client.force_login(group["secretary"])
    _upload(client, group["body"], "notitie.md", b"# Eerste versie\n\nOude tekst\n")
    document = Document.objects.get()
    client.post(
        reverse("library:version-add", args=[document.slug]),
        {"file": SimpleUploadedFile("notitie-v2.md", b"# Tweede versie\n\nNieuwe tekst\n")},
    )

    assert list(document.files.values_list("number", flat=True)) == [2, 1]
    page = client.get(document.get_absolute_url()).content.decode()
    assert "Nieuwe tekst" in page and "Oude tekst" not in page
    status, content, _ = _download(client, reverse("library:download", args=[document.slug, 1]))
    assert (status, content) == (200, b"# Eerste versie\n\nOude tekst\n")


def test_a_download_is_an_attachment_never_a_page(group: dict[str, Any], client: Client) -> None:
    client.force_login(group["secretary"])
    _upload(client, group["body"], "notitie.txt", b"<script>alert(1)</script> woningen\n")
    document = Document.objects.get()
    status, _, response = _download(client, reverse("library:download", args=[document.slug, 1]))
    assert status == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "text/plain"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_restricted_document_cannot_be_found_or_downloaded_by_an_outsider(
    group: dict[str, Any], client: Client
) -> None:
    secretary = Client()
    secretary.force_login(group["secretary"])
    _upload(
        secretary,
        group["body"],
        "geheim.md",
        b"# Geheim\n\nVertrouwelijke woningen\n",
        title="Vertrouwelijke notitie",
        visibility="body",
    )
    document = Document.objects.get()
    download = reverse("library:download", args=[document.slug, 1])
    for who in (None, group["outsider"]):
        if who:
            client.force_login(who)
        assert (
            "Vertrouwelijke notitie"
            not in client.get(reverse("library:documents")).content.decode()
        )
        assert client.get(document.get_absolute_url()).status_code == 404
        assert _download(client, download)[0] == 404
    client.force_login(group["member"])
    assert _download(client, download)[0] == 200


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notitie.pdf", b"\x89PNG\r\n\x1a\n" + bytes(200), "is geen"),
        ("notitie.docx", files.pdf("tekst"), "heet .docx maar is een PDF-bestand"),
        ("leeg.txt", b"", "leeg"),
    ],
)
def test_a_file_that_is_not_what_it_claims_is_refused_and_nothing_is_stored(
    group: dict[str, Any], client: Client, name: str, content: bytes, message: str
) -> None:
    client.force_login(group["secretary"])
    response = _upload(client, group["body"], name, content)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Document.objects.exists()
    assert not DocumentFile.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("kapot.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\ngarbage"),
        ("bom.docx", files.zip_bomb()),
    ],
)
def test_a_file_that_cannot_be_read_is_kept_and_flagged(
    group: dict[str, Any], client: Client, name: str, content: bytes
) -> None:
    client.force_login(group["secretary"])
    _upload(client, group["body"], name, content)
    version = DocumentFile.objects.get()
    assert version.extraction == Extraction.FAILED
    assert version.extraction_error
    page = BeautifulSoup(client.get(version.document.get_absolute_url()).content, "html.parser")
    assert "tekst kon niet worden gelezen" in page.get_text()
    assert _download(client, version.get_absolute_url())[1] == content  # the file is not lost


def test_a_member_may_read_but_not_upload(group: dict[str, Any], client: Client) -> None:
    client.force_login(group["member"])
    assert client.get(reverse("library:create")).status_code == 403
