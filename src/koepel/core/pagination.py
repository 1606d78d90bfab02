"""One page size and one way to cut a list into pages, for every HTML list page.

A list page shows ``PAGE_SIZE`` rows whatever the size of the network, so its cost does not
grow with the data. The page number is ``?pagina=``; the other parameters of the request
(the filters) are kept in the links to other pages.

Counting does not grow with the data either: a list counts at most ``KOEPEL_COUNT_CAP`` + 1
rows (a ``LIMIT`` inside the count). A list longer than the cap says "more than 1,000" and
offers the next and previous pages without a number for the last one; a list within the cap
(the common case) has its exact count and every page number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import EmptyPage, Page, Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 20
PAGE_PARAMETER = "pagina"


def count_cap() -> int:
    """The most rows a list counts exactly (``KOEPEL_COUNT_CAP``, 1,000 by default)."""
    return int(getattr(settings, "KOEPEL_COUNT_CAP", 1000))


def capped_count(rows: QuerySet[Any] | Sequence[Any]) -> int:
    """The number of ``rows``, but no more than the cap + 1: a count that stops there.

    A result above the cap means "more than the cap"; the database reads at most cap + 1 rows
    for it (``SELECT COUNT(*) FROM (… LIMIT cap + 1)``), however many there are.
    """
    limit = count_cap() + 1
    if isinstance(rows, QuerySet):
        return rows[:limit].count()
    return min(len(rows), limit)


K = TypeVar("K")


def capped_counts(rows: Mapping[K, QuerySet[Any]]) -> dict[K, int]:
    """``capped_count`` of several lists in one statement: a count of each that stops at the
    cap + 1 (the counts per status of a list, say), as a subquery with its own ``LIMIT``.

    The lists must come from one database; a count above the cap means "more than the cap".
    """
    if not rows:
        return {}
    limit = count_cap() + 1
    using = next(iter(rows.values())).db
    parts: list[str] = []
    params: list[Any] = []
    for number, queryset in enumerate(rows.values()):
        # Only the keys, unordered: the count needs no columns and no sort.
        bounded = queryset.order_by().values("pk")[:limit]
        try:
            sql, part_params = bounded.query.get_compiler(using=using).as_sql()
        except EmptyResultSet:  # a filter that nothing passes (``none()``)
            parts.append("0")
            continue
        # The SQL is what the compiler made of the queryset; its values stay parameters.
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{number})")  # noqa: S608
        params.extend(part_params)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        counts = cursor.fetchone()
    return {key: int(count) for key, count in zip(rows, counts, strict=True)}


def is_capped(count: int) -> bool:
    return count > count_cap()


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Django's paginator with a count that stops at the cap.

    Within the cap it is Django's paginator. Past it, the number of pages is unknown: any page
    number may be asked for, and a page knows it has a next one by reading one row more than
    it shows.
    """

    @cached_property
    def count(self) -> int:
        return capped_count(self.object_list)  # type: ignore[arg-type]

    @property
    def capped(self) -> bool:
        return is_capped(self.count)

    @property
    def cap(self) -> int:
        return count_cap()

    @cached_property
    def num_pages(self) -> int:
        if not self.capped:
            return super().num_pages
        # The pages known to exist: those the counted rows fill.
        return math.ceil(self.count / int(self.per_page))

    def validate_number(self, number: Any) -> int:
        if not self.capped:
            return int(super().validate_number(number))
        asked = int(number)
        if asked < 1:
            raise EmptyPage(self.error_messages["min_page"])
        return asked

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)
        if not self.capped or number <= self.num_pages - 1:
            return super().page(number)
        # Past the counted rows: read one row more than a page to know whether there is a
        # next page.
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom : bottom + self.per_page + 1])
        if not rows:
            raise EmptyPage(self.error_messages["no_results"])
        return CappedPage(rows[: self.per_page], number, self, more=len(rows) > self.per_page)

    def get_page(self, number: Any) -> Page[Any]:
        try:
            return super().get_page(number)
        except EmptyPage:  # past the end of a list longer than the cap: its last known page
            return self.page(self.num_pages)


class CappedPage(Page):  # type: ignore[type-arg]
    """A page of a list longer than the cap, which knows whether a next page follows."""

    def __init__(self, rows: list[Any], number: int, paginator: Paginator, *, more: bool):  # type: ignore[type-arg]
        super().__init__(rows, number, paginator)
        self.more = more

    def has_next(self) -> bool:
        return self.more

    def end_index(self) -> int:
        return (self.number - 1) * self.paginator.per_page + len(self.object_list)


@dataclass(frozen=True)
class Pages:
    """A page of rows, and the query string (without the page number) its links carry."""

    page: Page[Any]
    query: str

    @property
    def capped(self) -> bool:
        return bool(getattr(self.page.paginator, "capped", False))

    @property
    def numbers(self) -> list[Any]:
        """The page numbers to link to: the first and last, and a few around this one; past
        the cap the first, a few before this one and the next, as the last is not known."""
        page = self.page
        paginator = page.paginator
        if not self.capped:
            return list(paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))
        numbers: list[Any] = [1]
        start = max(2, page.number - 2)
        if start > 2:
            numbers.append(paginator.ELLIPSIS)
        numbers.extend(range(start, page.number + 1))
        if page.has_next():
            numbers.append(page.number + 1)
            numbers.append(paginator.ELLIPSIS)
        return numbers


def paginate(
    request: HttpRequest,
    rows: QuerySet[Any] | Sequence[Any],
    *,
    count: int | None = None,
    per_page: int = PAGE_SIZE,
) -> Pages:
    """The page of ``rows`` the request asks for: a number past the end gives the last page
    (as Django's ``Paginator.get_page`` does; past the cap, the last page the count reached),
    a number below 1 or anything that is not a number the first.

    ``count`` is the number of rows when the page already knows it (from a count per status,
    say, or ``capped_count``), which saves the paginator counting them again. Without it the
    paginator counts up to the cap.
    """
    paginator = CappedPaginator(rows, per_page)
    if count is not None:
        paginator.count = min(count, count_cap() + 1)  # a cached_property: set, not computed
    asked = request.GET.get(PAGE_PARAMETER, "")
    number = asked if asked.isdigit() and int(asked) >= 1 else 1
    page = paginator.get_page(number)
    query = request.GET.copy()
    query.pop(PAGE_PARAMETER, None)
    return Pages(page=page, query=query.urlencode())
