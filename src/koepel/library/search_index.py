"""How documents and their sections go into the search index (registered in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Exists, OuterRef, Prefetch, QuerySet, Subquery, TextField, When

from koepel.library.models import Document, DocumentFile, Section
from koepel.registry.models import Body, Person
from koepel.search import index


def _entry(document: Document, *, title: str, text: str, trail: str, url: str) -> index.Entry:
    return index.Entry(
        title=title,
        text=text,
        trail=trail,
        url=url,
        visibility=document.visibility,
        bodies=tuple(body.pk for body in index.prefetched(document, "bodies")),
        people=tuple(person.pk for person in index.prefetched(document, "author_people")),
        year=document.date.year if document.date else None,
    )


def document_entry(document: Document) -> index.Entry | None:
    # Read from ``documents()``: the text of the latest file, or None (see there).
    whole_text: str | None = getattr(document, "whole_text")  # noqa: B009 (an annotation)
    text = document.summary
    if whole_text is not None:
        text = f"{text}\n\n{whole_text}".strip()
    return _entry(
        document,
        title=document.title,
        text=text,
        trail=index.display(document, "kind"),
        url=_url(document),
    )


def _url(document: Document) -> str:
    # The sections of a document share its instance (see ``sections``): its address, the
    # start of theirs, is worked out once per document rather than once per section.
    url: str | None = document.__dict__.get("_indexed_url")
    if url is None:
        url = document.__dict__["_indexed_url"] = document.get_absolute_url()
    return url


def section_entry(section: Section) -> index.Entry | None:
    return _entry(
        section.document,
        title=section.title,
        text=section.text,
        trail=section.trail,
        url=f"{_url(section.document)}#{section.anchor}",  # as Section.get_absolute_url
    )


def documents() -> QuerySet[Document]:
    # A document split into sections is found through its sections; its own entry carries
    # the title and summary, and the whole text (of its latest file) only when there are no
    # sections. Read in the same query, so that a rebuild asks nothing per document.
    latest = DocumentFile.objects.filter(document=OuterRef("pk")).order_by("-number")
    return Document.objects.annotate(
        whole_text=Case(
            When(Exists(Section.objects.filter(document=OuterRef("pk"))), then=None),
            default=Subquery(latest.values("text")[:1]),
            output_field=TextField(),
        )
    ).prefetch_related(*_document_relations())


def _document_relations() -> list[Prefetch[Any, Any, Any]]:
    # Only the keys are put in the entry.
    return [
        index.prefetch("bodies", Body.objects.only("pk")),
        index.prefetch("author_people", Person.objects.only("pk")),
    ]


def sections() -> QuerySet[Section]:
    # The sections of a document share one instance of it (a prefetch, not a join), so its
    # bodies and authors are read and held once per document rather than once per section.
    documents = Document.objects.only("slug", "visibility", "date").prefetch_related(
        *_document_relations()
    )
    return Section.objects.prefetch_related(Prefetch("document", queryset=documents))


def refresh(document: Document) -> None:
    """The document and all its sections, as they are now (visibility may have changed)."""
    index.update(document)
    index.update_many(Section.objects.filter(document=document))


def refresh_document(document: Document) -> None:
    """The document's own entry (its text is in it only while it has no sections)."""
    index.update(document)


def add_sections(section_ids: list[int]) -> None:
    """Sections just written (a batch of a document being read)."""
    index.update_many(Section.objects.filter(pk__in=section_ids))


def remove_sections(document: Document, sections: list[Section] | None = None) -> None:
    """The document's sections (or those of them given) out of the index, before they are
    deleted."""
    index.remove_records(document.sections.only("pk") if sections is None else sections)


def remove_document(document: Document) -> None:
    remove_sections(document)
    index.remove(document)
