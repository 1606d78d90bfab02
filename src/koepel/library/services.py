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
from koepel.library.extraction import UnreadableFile, extract_text, is_markdown
from koepel.library.linking import EntityFinder
from koepel.library.models import Document, DocumentFile, Extraction, Section
from koepel.library.sections import split_sections
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
        from koepel.library.tasks import read_text_later

        transaction.on_commit(lambda: read_text_later.enqueue(version.pk))
    return version


def read_text(version: DocumentFile, *, content: bytes | None = None) -> DocumentFile:
    """Read a version's text and, when it is the latest, split the document into sections."""
    extension = (version.file.name or "").rsplit(".", 1)[-1].lower()
    if content is None:
        with version.file.open("rb") as handle:
            content = handle.read()
    try:
        version.text = extract_text(content, extension)
        version.extraction, version.extraction_error = Extraction.DONE, ""
    except UnreadableFile as error:
        version.text, version.extraction, version.extraction_error = (
            "",
            Extraction.FAILED,
            str(error),
        )
    version.save(update_fields=["text", "extraction", "extraction_error"])
    latest = version.document.files.order_by("-number").first()
    if latest is not None and latest.pk == version.pk:
        sections_replace(
            document=version.document,
            text=version.text,
            markdown=is_markdown(extension, version.text),
        )
    return version


@transaction.atomic
def sections_replace(*, document: Document, text: str, markdown: bool) -> list[Section]:
    """Split the text into sections by its headings and link the names found in them."""
    search_index.remove_sections(document)
    document.sections.all().delete()
    drafts = split_sections(text, fmt="markdown" if markdown else "text") if text.strip() else []
    finder = EntityFinder() if drafts else None
    made: list[Section] = []
    parents: dict[int, Section] = {}
    for position, draft in enumerate(drafts, start=1):
        title = draft.title or document.title
        parent = next(
            (parents[lvl] for lvl in range(draft.level - 1, 0, -1) if lvl in parents), None
        )
        section = Section.objects.create(
            document=document,
            parent=parent,
            position=position,
            level=draft.level,
            title=title[:300],
            text=draft.text,
            trail=" › ".join(_trail(document.title, draft.trail))[:600],
        )
        parents[draft.level] = section
        for deeper in [lvl for lvl in parents if lvl > draft.level]:
            del parents[deeper]
        if finder is not None:
            links = finder.find(f"{draft.title}\n{draft.text}")
            section.municipalities.set(links.municipalities)
            section.organisations.set(links.organisations)
            section.people.set(links.people)
            section.bodies.set(links.bodies)
        made.append(section)
    search_index.refresh(document)
    return made


def _trail(title: str, headings: tuple[str, ...]) -> tuple[str, ...]:
    # A file that opens with its own title as a heading should not say the title twice.
    if headings and headings[0].casefold() == title.casefold():
        headings = headings[1:]
    return (title, *headings)


@transaction.atomic
def document_delete(*, actor: Any, document: Document) -> None:
    if not can_edit(actor, document):
        raise PermissionDenied(_("You may not change this document."))
    search_index.remove_document(document)
    for version in document.files.all():
        version.file.delete(save=False)
    document.delete()
