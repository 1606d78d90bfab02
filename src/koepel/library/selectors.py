"""Reads of the knowledge base, through the one visibility check."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from koepel.accounts.access import bodies_seen, visible
from koepel.library.models import Document, DocumentFile, Section
from koepel.registry.models import Body


def visible_documents(user: Any) -> QuerySet[Document]:
    return visible(Document.objects.all(), user)


def document_list(
    user: Any, *, kind: str = "", body: Body | None = None, year: int | None = None
) -> QuerySet[Document]:
    documents = visible_documents(user)
    if kind:
        documents = documents.filter(kind=kind)
    if body is not None:
        documents = documents.filter(bodies=body)
    if year:
        documents = documents.filter(date__year=year)
    return (
        documents.select_related("publisher")
        .prefetch_related(bodies_seen(user))
        .order_by("-date", "title", "pk")
    )


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
