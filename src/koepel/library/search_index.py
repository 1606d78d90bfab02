"""How documents and their sections go into the search index."""

from __future__ import annotations

from django.db.models import QuerySet

from koepel.library.models import Document, Section
from koepel.search import index


def _entry(
    document: Document, *, kind: str, title: str, text: str, trail: str, url: str
) -> index.Entry:
    return index.Entry(
        kind=kind,
        title=title,
        text=text,
        trail=trail,
        url=url,
        visibility=document.visibility,
        bodies=tuple(body.pk for body in document.bodies.all()),
        people=tuple(person.pk for person in document.author_people.all()),
        year=document.date.year if document.date else None,
    )


def document_entry(document: Document) -> index.Entry | None:
    latest = document.files.order_by("-number").first()
    # A document split into sections is found through its sections; its own entry carries
    # the title and summary, and the whole text only when there are no sections.
    text = document.summary
    if latest is not None and not document.sections.exists():
        text = f"{text}\n\n{latest.text}".strip()
    return _entry(
        document,
        kind="document",
        title=document.title,
        text=text,
        trail=str(document.get_kind_display()),
        url=document.get_absolute_url(),
    )


def section_entry(section: Section) -> index.Entry | None:
    return _entry(
        section.document,
        kind="sectie",
        title=section.title,
        text=section.text,
        trail=section.trail,
        url=section.get_absolute_url(),
    )


def _documents() -> QuerySet[Document]:
    return Document.objects.prefetch_related("bodies", "author_people")


def _sections() -> QuerySet[Section]:
    return Section.objects.select_related("document").prefetch_related(
        "document__bodies", "document__author_people"
    )


def register() -> None:
    index.register(Document, document_entry, _documents)
    index.register(Section, section_entry, _sections)


def refresh(document: Document) -> None:
    """The document and all its sections, as they are now (visibility may have changed)."""
    index.update(document)
    for section in _sections().filter(document=document):
        index.update(section)


def remove_sections(document: Document) -> None:
    for section in document.sections.all():
        index.remove(section)


def remove_document(document: Document) -> None:
    remove_sections(document)
    index.remove(document)
