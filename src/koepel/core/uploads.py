"""Checks on uploaded files: the type is read from the bytes, not from the name."""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    extension: str
    label: str
    mime: str


PDF = FileKind("pdf", "PDF", "application/pdf")
DOCX = FileKind(
    "docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)
ODT = FileKind("odt", "OpenDocument", "application/vnd.oasis.opendocument.text")
TXT = FileKind("txt", "tekst", "text/plain")
MARKDOWN = FileKind("md", "Markdown", "text/markdown")
DOCUMENTS = (PDF, DOCX, ODT, TXT, MARKDOWN)


def _sniff(head: bytes, file: UploadedFile[Any]) -> str | None:
    """The extension the bytes say, or None when they say nothing we accept."""
    guess = filetype.guess(head)
    if guess is not None:
        if guess.extension == "pdf":
            return "pdf"
        if guess.extension in {"docx", "odt", "zip"}:
            return _office_kind(file)
        return None
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character may be cut at the end of the sample.
        if error.start < len(head) - 4:
            return None
    if b"\x00" in head:
        return None
    return "txt"


def _office_kind(file: UploadedFile[Any]) -> str | None:
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as handle:
                    if handle.read(100).strip() == ODT.mime.encode():
                        return "odt"
            if "word/document.xml" in names:
                return "docx"
    except zipfile.BadZipFile:
        return None
    finally:
        file.seek(0)
    return None


def check_upload(file: UploadedFile[Any], allowed: tuple[FileKind, ...] = DOCUMENTS) -> FileKind:
    """The kind of an uploaded file, or a ValidationError that says in Dutch what is wrong."""
    limit: int = settings.KOEPEL_MAX_UPLOAD_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s.")
            % {"size": filesizeformat(file.size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if not file.size:
        raise ValidationError(_("The file is empty."), code="empty")
    file.seek(0)
    head = file.read(8192)
    file.seek(0)
    found = _sniff(head, file)
    name = (file.name or "").lower()
    claimed = name.rsplit(".", 1)[-1] if "." in name else ""
    if found == "txt" and claimed in {"md", "markdown"}:
        found = "md"
    kinds = {kind.extension: kind for kind in allowed}
    labels = ", ".join(kind.label for kind in allowed)
    if found is None or found not in kinds:
        raise ValidationError(
            _("This file is not a %(labels)s file. Choose a file of one of those kinds.")
            % {"labels": labels},
            code="wrong_type",
        )
    if claimed and claimed != found and not (claimed == "markdown" and found == "md"):
        raise ValidationError(
            _(
                "The file is called .%(claimed)s but is a %(found)s file. Rename it or choose "
                "another file."
            )
            % {"claimed": claimed, "found": kinds[found].label},
            code="type_mismatch",
        )
    return kinds[found]


class CappedUploadHandler(TemporaryFileUploadHandler):
    """Writes an upload to a temporary file, but no more of it than the upload limit.

    The rest of the request is read and dropped, so a huge upload cannot fill the server's disk;
    the file still reports its full size, and ``check_upload`` refuses it with that size."""

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        limit: int = settings.KOEPEL_MAX_UPLOAD_BYTES
        if start + len(raw_data) > limit:
            keep = max(0, limit - start)
            if keep:
                super().receive_data_chunk(raw_data[:keep], start)
            return None
        return super().receive_data_chunk(raw_data, start)
