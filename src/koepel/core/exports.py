"""Every list page exports what it shows: the same rows, filters and access check, as a file.

A list page names its columns once as a :class:`~koepel.core.tables.Table` and, when the
request carries ``?formaat=csv`` or ``?formaat=xlsx``, answers with the records of the very
queryset it would have shown a page of (its filters, its ``visible(...)``), all pages at once,
instead of the page. The links are ``core/_export_links.html``: "Exporteren: CSV · Excel" with
the page's own filters in their query string and its page number left out.

So an export cannot show more than its list page: it is that page's query, read to the end.
The file format itself (headers, CSV with ``;`` and a byte-order mark, dates in xlsx) is
:mod:`koepel.core.tables`'.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from django.http import Http404, HttpRequest, HttpResponseBase

from koepel.core import tables

PARAMETER = "formaat"


def requested(request: HttpRequest) -> str:
    """The file format the request asks for, or "" for the page itself. An unknown format is
    a page that does not exist."""
    asked = request.GET.get(PARAMETER, "")
    if asked and asked not in tables.FORMATS:
        raise Http404
    return asked


def download(request: HttpRequest, table: tables.Table, records: Iterable[Any]) -> HttpResponseBase:
    """The records as the file the request asked for (``requested`` must have said one)."""
    response = tables.download(table, records, requested(request))
    response["Cache-Control"] = "private, no-store"
    return response


def rows(
    queryset: Any,
    within: Callable[[], AbstractContextManager[Any]] | None = None,
    chunk_size: int = 500,
) -> Iterator[Any]:
    """A queryset read in chunks as the file is written, prefetches included, never whole.

    A CSV file is written after the view has returned, outside what the request set up around
    it; ``within`` is set up again around the reading (``remembered_terms``, so that the labels
    of a vocabulary are read once for the file and not once per row).
    """
    read = queryset.iterator(chunk_size=chunk_size) if hasattr(queryset, "iterator") else queryset
    if within is None:
        yield from read
        return
    with within():
        yield from read
