"""Reads of the knowledge base, through the one visibility check."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from koepel.accounts.access import bodies_seen, visible
from koepel.core.pagination import capped_count
from koepel.library.models import Document, DocumentFile, Extraction, Section
from koepel.registry.models import Body


def visible_documents(user: Any) -> QuerySet[Document]:
    return visible(Document.objects.all(), user)


def latest_file_is(state: str) -> Exists:
    """A condition on documents: the reading of their latest file stands at ``state``."""
    newer = DocumentFile.objects.filter(
        document=OuterRef("document"), number__gt=OuterRef("number")
    )
    return Exists(
        DocumentFile.objects.filter(document=OuterRef("pk"), extraction=state).exclude(
            Exists(newer)
        )
    )


def document_list(
    user: Any,
    *,
    kind: str = "",
    body: Body | None = None,
    year: int | None = None,
    reading: str = "",
) -> QuerySet[Document]:
    documents = visible_documents(user)
    if kind:
        documents = documents.filter(kind=kind)
    if body is not None:
        documents = documents.filter(bodies=body)
    if year:
        documents = documents.filter(date__year=year)
    if reading:
        documents = documents.filter(latest_file_is(reading))
    return (
        documents.select_related("publisher")
        .prefetch_related(bodies_seen(user))
        .order_by("-date", "title", "pk")
    )


def count_not_read(user: Any) -> int:
    """How many of the documents the user sees have a latest file that could not be read, up
    to the cap (``koepel.core.pagination``: a count above it means "more than the cap")."""
    return capped_count(visible_documents(user).filter(latest_file_is(Extraction.FAILED)))


def document_detail(user: Any, slug: str) -> Document | None:
    return (
        visible_documents(user)
        .filter(slug=slug)
        .select_related("publisher")
        .prefetch_related(
            bodies_seen(user),
            "author_people",
            "author_organisations",
            Prefetch("files", queryset=DocumentFile.objects.select_related("uploaded_by")),
            Prefetch(
                "sections",
                queryset=Section.objects.prefetch_related(
                    "municipalities", "organisations", "people", "bodies"
                ),
            ),
        )
        .first()
    )


def file_for_download(user: Any, slug: str, number: int) -> DocumentFile | None:
    """A file version, only when its document is visible to the user."""
    return (
        DocumentFile.objects.filter(
            document__in=visible_documents(user), document__slug=slug, number=number
        )
        .select_related("document")
        .first()
    )
