"""Writes to the knowledge base: documents, their file versions, text and sections."""

from __future__ import annotations

import hashlib
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
from koepel.core.locking import save_versioned
from koepel.core.uploads import check_upload
from koepel.library import search_index
from koepel.library.models import Document, DocumentFile
from koepel.library.reading import read_text
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


@transaction.atomic
def document_create(
    *, actor: Any, file: UploadedFile[Any] | None = None, **fields: Any
) -> Document:
    """A new document, with its first file when one is given."""
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
        document_add_file(actor=actor, document=document, file=file)
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


@transaction.atomic
def document_add_file(*, actor: Any, document: Document, file: UploadedFile[Any]) -> DocumentFile:
    """Store a new version. The type is read from the bytes; text is read now when the file is
    small, otherwise by the task worker. A file whose text cannot be read is kept and flagged."""
    if document.pk and document.files.exists() and not can_edit(actor, document):
        raise PermissionDenied(_("You may not change this document."))
    try:
        kind = check_upload(file)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error
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
    version.save()
    if len(content) <= settings.KOEPEL_INLINE_EXTRACTION_BYTES:
        read_text(version, content=content)
    else:
        transaction.on_commit(lambda: read_text_later.enqueue(version.pk))
    return version


@transaction.atomic
def document_delete(*, actor: Any, document: Document) -> None:
    if not can_edit(actor, document):
        raise PermissionDenied(_("You may not change this document."))
    search_index.remove_document(document)
    for version in document.files.all():
        version.file.delete(save=False)
    document.delete()
