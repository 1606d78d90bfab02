"""One page size and one way to cut a list into pages, for every HTML list page.

A list page shows ``PAGE_SIZE`` rows whatever the size of the network, so its cost does not
grow with the data. The page number is ``?pagina=``; the other parameters of the request
(the filters) are kept in the links to other pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 20
PAGE_PARAMETER = "pagina"


@dataclass(frozen=True)
class Pages:
    """A page of rows, and the query string (without the page number) its links carry."""

    page: Page[Any]
    query: str

    @property
    def numbers(self) -> list[int | str]:
        """The page numbers to link to: the first and last, and a few around this one."""
        return list(
            self.page.paginator.get_elided_page_range(self.page.number, on_each_side=2, on_ends=1)
        )


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    *,
    count: int | None = None,
    per_page: int = PAGE_SIZE,
) -> Pages:
    """The page of ``rows`` the request asks for: a number past the end gives the last page
    (as Django's ``Paginator.get_page`` does), a number below 1 or anything that is not a
    number the first.

    ``count`` is the number of rows when the page already knows it (from a count per status,
    say), which saves the paginator counting them again.
    """
    paginator = Paginator(rows, per_page)
    if count is not None:
        paginator.count = count  # a cached_property: set, it is not computed
    asked = request.GET.get(PAGE_PARAMETER, "")
    number = asked if asked.isdigit() and int(asked) >= 1 else 1
    page = paginator.get_page(number)
    query = request.GET.copy()
    query.pop(PAGE_PARAMETER, None)
    return Pages(page=page, query=query.urlencode())
