"""Uploads made to do harm: entities that read server files or multiply themselves, archives
that lie about their size, a page dressed up as a PDF, a file far over the limit."""

from __future__ import annotations

import contextlib
import gc
import io
import os
import random
import struct
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.library.extraction import UnreadableFile, extract_text
from koepel.library.models import Document, DocumentFile, Extraction
from koepel.library.tests import files
from koepel.registry.tests.factories import BodyFactory

SECRET = "GEHEIM-VAN-DE-SERVER"


@pytest.fixture
def office(db: None, client: Client) -> Client:
    client.force_login(UserFactory(office=True))
    return client


def _upload(client: Client, name: str, content: bytes) -> Any:
    return client.post(
        reverse("library:create"),
        {
            "title": "Ingestuurd bestand",
            "kind": "rapport",
            "date": "2021-05",
            "language": "nl",
            "visibility": "public",
            "bodies": [BodyFactory().pk],
            "file": SimpleUploadedFile(name, content),
        },
    )


def _rewrite(content: bytes, member: str, change: Callable[[bytes], bytes]) -> bytes:
    """The same archive with one member changed."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(info, change(data) if info.filename == member else data)
    return out.getvalue()


def _with_entities(secret_file: Path) -> Callable[[bytes], bytes]:
    """Put a DTD in front of the XML that reads a file of the server (XXE) and expands a
    billion times (billion laughs), and use both where the text should be."""
    levels = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10}">' for n in range(1, 10))
    dtd = f'<!DOCTYPE root [<!ENTITY xxe SYSTEM "file://{secret_file}"><!ENTITY l0 "ha">{levels}]>'

    def change(xml: bytes) -> bytes:
        declaration, rest = xml.decode().split("?>", 1)
        return (declaration + "?>" + dtd + rest).replace("MARKER", "&xxe; &l9;").encode()

    return change


@pytest.mark.parametrize(
    ("name", "member", "make"),
    [
        ("entiteiten.docx", "word/document.xml", files.docx),
        ("entiteiten.odt", "content.xml", files.odt),
    ],
)
def test_xml_entities_in_an_office_file_neither_read_server_files_nor_expand(
    office: Client, tmp_path: Path, name: str, member: str, make: Callable[..., bytes]
) -> None:
    secret_file = tmp_path / "geheim.txt"
    secret_file.write_text(SECRET)
    content = _rewrite(make("Kop", ["MARKER"]), member, _with_entities(secret_file))

    response = _upload(office, name, content)

    assert response.status_code == 302
    version = DocumentFile.objects.get()
    assert version.extraction in {Extraction.DONE, Extraction.FAILED}
    assert SECRET not in version.text
    assert "haha" not in version.text
    page = office.get(version.document.get_absolute_url()).content.decode()
    assert SECRET not in page
    found = office.get(reverse("search:search"), {"q": SECRET}).content.decode()
    assert "Ingestuurd bestand" not in found


def _claim_size(content: bytes, member: str, size: int) -> bytes:
    """The archive with the unpacked size of one member changed in both of its headers."""
    data = bytearray(content)
    # (signature, offset of the size field, offset of the name length, offset of the name)
    for signature, size_at, length_at, name_at in (
        (b"PK\x03\x04", 22, 26, 30),
        (b"PK\x01\x02", 24, 28, 46),
    ):
        start = 0
        while (start := data.find(signature, start)) != -1:
            length = struct.unpack_from("<H", data, start + length_at)[0]
            if data[start + name_at : start + name_at + length] == member.encode():
                struct.pack_into("<I", data, start + size_at, size)
            start += 4
    return bytes(data)


def test_an_archive_that_lies_about_its_unpacked_size_is_not_unpacked(office: Client) -> None:
    # A valid document followed by 50 MB of blanks, whose headers claim the document alone.
    # Were the whole member unpacked, its text would be read; it is read only as far as the
    # headers say, the checksum then fails, and the file is kept but not read.
    original = files.docx("Kop", ["Woningen in de wijk"])
    xml = zipfile.ZipFile(io.BytesIO(original)).read("word/document.xml")
    padded = _rewrite(original, "word/document.xml", lambda data: data + b" " * (50 * 1024 * 1024))

    _upload(office, "bom.docx", _claim_size(padded, "word/document.xml", len(xml)))

    version = DocumentFile.objects.get()
    assert version.extraction == Extraction.FAILED
    assert "Woningen" not in version.text


def test_a_web_page_renamed_to_pdf_is_refused(office: Client) -> None:
    page = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    response = _upload(office, "rapport.pdf", page)
    assert response.status_code == 200
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())
    assert "Het bestand heet .pdf maar is een tekst-bestand" in text
    assert not Document.objects.exists()


def test_a_web_page_named_txt_is_handed_out_as_plain_text_to_download(office: Client) -> None:
    page = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
    _upload(office, "pagina.txt", page)
    version = DocumentFile.objects.get()
    response = office.get(reverse("library:download", args=[version.document.slug, 1]))
    assert b"".join(response.streaming_content) == page  # type: ignore[attr-defined]
    assert response["Content-Type"] == "text/plain"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_file_over_the_limit_is_refused_with_its_size(office: Client, settings: Any) -> None:
    settings.KOEPEL_MAX_UPLOAD_BYTES = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    response = _upload(office, "groot.txt", b"woningen " * 120_000)
    text = " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())
    assert "Het bestand is 1,0 MB; de grens is 64,0 KB." in text
    assert not Document.objects.exists()


def test_an_upload_over_the_limit_does_not_fill_the_disk(settings: Any) -> None:
    settings.KOEPEL_MAX_UPLOAD_BYTES = 64 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    request = RequestFactory().post(
        "/", {"file": SimpleUploadedFile("groot.txt", b"x" * 1_000_000)}
    )
    upload = request.FILES["file"]
    try:
        assert upload.size == 1_000_000  # what the sender sent, for the message
        assert os.path.getsize(upload.temporary_file_path()) == 64 * 1024  # what reached disk
    finally:
        upload.close()


def _peak_bytes(read: Callable[[], object]) -> tuple[int, int]:
    """(peak, left over) of the memory Python allocated while ``read`` ran, with the garbage
    collector off: what is freed only by the collector counts as kept."""
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        with contextlib.suppress(UnreadableFile):
            read()
        left, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.enable()
    return peak, left


def test_a_pdf_is_read_a_page_at_a_time_without_keeping_the_pages_read() -> None:
    # Each page unpacks to half a megabyte: read together they would take four megabytes more
    # than one; read a page at a time, eight pages take about what one takes.
    one, _ = _peak_bytes(lambda: extract_text(files.pdf_pages(1, filler=500_000), "pdf"))
    eight, _ = _peak_bytes(lambda: extract_text(files.pdf_pages(8, filler=500_000), "pdf"))
    assert eight < one + 1_500_000, (one, eight)
    text = extract_text(files.pdf_pages(8, filler=500_000), "pdf")
    assert text.split("\n\n") == [f"Pagina {page}" for page in range(1, 9)]


def test_a_word_file_stopped_halfway_lets_go_of_the_text_read_so_far() -> None:
    # Refused for its length after some five million characters were read: those are freed
    # as the refusal comes, not whenever the garbage collector happens to run.
    chance = random.Random(16)  # noqa: S311 - words, not secrets
    body = "".join(
        f"<w:p><w:r><w:t>{files.sentence(chance, 800)}</w:t></w:r></w:p>" for _ in range(1000)
    )
    content = files.docx_with_body(body)
    peak, left = _peak_bytes(lambda: extract_text(content, "docx", max_chars=5_000_000))
    assert peak > 5_000_000  # the text was read, up to the limit
    assert left < 1_000_000, left
