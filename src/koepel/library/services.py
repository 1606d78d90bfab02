"""Writes to the knowledge base: documents, their file versions, text and sections."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _

from koepel.accounts.access import can_edit, can_edit_body, viewer_for
from koepel.core import caching
from koepel.core.locking import save_versioned
from koepel.core.uploads import check_upload
from koepel.library import reading, search_index
from koepel.library.models import Document, DocumentFile, Extraction
from koepel.library.tasks import read_text_later
from koepel.registry.models import Body

RELATIONS = ("author_people", "author_organisations", "bodies", "meetings", "dossiers")


def _may_create(actor: Any, bodies: list[Body]) -> None:
    viewer = viewer_for(actor)
    if viewer.is_office:
        return
    if not bodies:
        raise ValidationError({"bodies": _("Choose the body this document belongs to.")})
    for body in bodies:
        if not can_edit_body(actor, body):
            raise PermissionDenied(_("You may not add documents for %(body)s.") % {"body": body})


def free_slug(title: str) -> str:
    base = slugify(title)[:80] or "document"
    slug, n = base, 1
    while Document.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def document_create(
    *, actor: Any, file: UploadedFile[Any] | None = None, **fields: Any
) -> Document:
    """A new document, with its first file when one is given."""
    with _files_kept_only_on_success() as stored, transaction.atomic():
        relations = {name: list(fields.pop(name, None) or []) for name in RELATIONS}
        _may_create(actor, relations["bodies"])
        document = Document(
            slug=fields.pop("slug", None) or free_slug(fields.get("title", "")), **fields
        )
        document.full_clean()
        document.save()
        for name, values in relations.items():
            getattr(document, name).set(values)
        if file is not None:
            _store_file(actor=actor, document=document, file=file, stored=stored)
        search_index.refresh(document)
    return document


@transaction.atomic
def document_update(
    *, actor: Any, document: Document, version: int | None, **fields: Any
) -> Document:
    """Change a document's details; refused with EditConflict when someone saved it since
    ``version`` (None: no check)."""
    if not can_edit(actor, document):
        raise PermissionDenied(_("You may not change this document."))
    relations = {name: fields.pop(name) for name in RELATIONS if name in fields}
    for name, value in fields.items():
        setattr(document, name, value)
    document.full_clean()
    save_versioned(document, expected_version=version, update_fields=list(fields))
    for name, values in relations.items():
        getattr(document, name).set(list(values))
    search_index.refresh(document)
    return document


def document_add_file(*, actor: Any, document: Document, file: UploadedFile[Any]) -> DocumentFile:
    """Store a new version. The type is read from the bytes; the text is read once the upload
    is committed (``reading.py``): a small file at once, otherwise by the task worker. A file
    whose text cannot be read is kept and flagged. An upload that fails leaves no file."""
    with _files_kept_only_on_success() as stored, transaction.atomic():
        if document.pk and document.files.exists() and not can_edit(actor, document):
            raise PermissionDenied(_("You may not change this document."))
        version = _store_file(actor=actor, document=document, file=file, stored=stored)
    return version


def _store_file(
    *, actor: Any, document: Document, file: UploadedFile[Any], stored: list[DocumentFile]
) -> DocumentFile:
    try:
        kind = check_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
    # One upload at a time per document, so two never take the same number.
    Document.objects.select_for_update().filter(pk=document.pk).values_list("pk").first()
    file.seek(0)
    content = file.read()
    number = (document.files.aggregate(n=Max("number"))["n"] or 0) + 1
    version = DocumentFile(
        document=document,
        number=number,
        original_name=(file.name or "bestand")[:255],
        content_type=kind.mime,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    version.file.save(
        f"{slugify(document.title)[:60] or 'document'}.{kind.extension}",
        ContentFile(content),
        save=False,
    )
    stored.append(version)
    version.save()
    _read_soon(version, content)
    return version


def _read_soon(version: DocumentFile, content: bytes | None = None) -> None:
    """Queue the reading with the version (committed together, so it is never lost); a small
    file is also read at once when the transaction commits, for as long as a request may
    wait. Whoever claims the version first reads it; the other finds it taken."""
    if read_text_later.enqueue(version.pk).is_finished:  # a backend that runs it at once
        version.refresh_from_db(fields=["extraction", "extraction_error"])
    elif version.size <= settings.KOEPEL_INLINE_EXTRACTION_BYTES:
        transaction.on_commit(partial(_read_now, version, content), robust=True)


def _read_now(version: DocumentFile, content: bytes | None) -> None:
    outcome = reading.read(
        version.pk, content=content, hand_back_after=settings.KOEPEL_INLINE_READING_SECONDS
    )
    if outcome is reading.Outcome.HANDED_BACK:
        read_text_later.enqueue(version.pk)
    # The caller answers with this version: as it stands now.
    version.refresh_from_db(fields=["extraction", "extraction_error"])


def document_file_read_again(*, actor: Any, version: DocumentFile) -> DocumentFile:
    """Read a version once more, from the start: one that could not be read (after the cause
    was taken away), or one read before the registry knew the names in it."""
    if not can_edit(actor, version.document):
        raise PermissionDenied(_("You may not change this document."))
    with transaction.atomic():
        again = (
            DocumentFile.objects.filter(pk=version.pk)
            .exclude(extraction=Extraction.READING)
            .update(
                extraction=Extraction.PENDING,
                extraction_error="",
                reader="",
                reading_until=None,
                reading_interruptions=0,
            )
        )
        if not again:
            raise ValidationError(_("This file is being read now."))
        caching.bump("library")
        version.refresh_from_db(fields=["extraction", "extraction_error"])
        _read_soon(version)
    return version


@contextmanager
def _files_kept_only_on_success() -> Iterator[list[DocumentFile]]:
    """The versions stored inside the block lose their file again when the block fails (the
    database rolls their rows back; the files are not in the database)."""
    stored: list[DocumentFile] = []
    try:
        yield stored
    except BaseException:
        for version in stored:
            if version.file.name:
                version.file.storage.delete(version.file.name)
        raise


@transaction.atomic
def document_delete(*, actor: Any, document: Document) -> None:
    if not can_edit(actor, document):
        raise PermissionDenied(_("You may not change this document."))
    search_index.remove_document(document)
    for version in document.files.all():
        version.file.delete(save=False)
    document.delete()
