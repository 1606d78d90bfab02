"""Searching: one call for the search page, the API and any app that wants hits.

What a user may see is decided by the one access check (``accounts.access.visible``) on the
index entries, before anything is counted or ranked: a hidden record adds nothing to a count,
a page or a snippet.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet

from koepel.accounts.access import visible
from koepel.registry.models import Body
from koepel.search import engines
from koepel.search.index import KINDS
from koepel.search.models import SearchEntry
from koepel.search.parse import Query, parse
from koepel.search.snippets import snippet

MAX_PER_PAGE = 100


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    trail: str
    snippet: str  # safe HTML: escaped text, the matches in <mark>
    score: float
    year: int | None


@dataclass
class Results:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    counts_by_kind: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def search(
    user: Any,
    q: str,
    *,
    kinds: Sequence[str] = (),
    body: Body | None = None,
    year: int | None = None,
    page: int = 1,
    per_page: int = 20,
) -> Results:
    """The records matching ``q`` that ``user`` may see, best first, one page of them.

    ``counts_by_kind`` counts every kind (ignoring ``kinds``), so a filter list can say what
    each choice would give; ``total`` counts the kinds chosen.
    """
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    query = parse(q)
    if not query:
        return Results(query=q, total=0, page=1, per_page=per_page)
    entries = _entries(user, query, body=body, year=year)
    counts = _counts(entries)
    chosen = [kind for kind in kinds if kind in KINDS]
    total = sum(counts.get(kind, 0) for kind in chosen) if chosen else sum(counts.values())
    results = Results(query=q, total=total, page=1, per_page=per_page, counts_by_kind=counts)
    results.page = min(max(1, page), results.pages)
    if total:
        if chosen:
            entries = entries.filter(kind__in=chosen)
        results.hits = _page(query, entries, results.page, per_page)
    return results


def _entries(user: Any, query: Query, *, body: Body | None, year: int | None) -> QuerySet[Any]:
    entries = visible(SearchEntry.objects.filter(engines.current().matching(query)), user)
    if body is not None:
        entries = entries.filter(bodies__in=_with_bodies_below(body))
    if year is not None:
        entries = entries.filter(year=year)
    return entries


def _with_bodies_below(body: Body) -> list[int]:
    """A body and the bodies within it: a pillar's records include its theme groups'."""
    children: dict[int | None, list[int]] = {}
    for pk, parent_id in Body.objects.values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found, todo = [], [body.pk]
    while todo:
        pk = todo.pop()
        if pk not in found:
            found.append(pk)
            todo.extend(children.get(pk, []))
    return found


def _counts(entries: QuerySet[Any]) -> dict[str, int]:
    rows = entries.order_by().values_list("kind").annotate(n=Count("pk", distinct=True))
    return {kind: n for kind, n in rows if n}


def _page(query: Query, entries: QuerySet[Any], page: int, per_page: int) -> list[Hit]:
    within = entries.order_by().values("pk").query.sql_with_params()
    sql, params = engines.current().ranked_sql(
        query, within, limit=per_page, offset=(page - 1) * per_page
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ranked: list[tuple[int, float]] = cursor.fetchall()
    found = SearchEntry.objects.only("kind", "title", "url", "trail", "year", "text").in_bulk(
        [pk for pk, _ in ranked]
    )
    return [
        Hit(
            kind=entry.kind,
            title=entry.title,
            url=entry.url,
            trail=entry.trail,
            snippet=snippet(entry.text, query),
            score=float(score),
            year=entry.year,
        )
        for pk, score in ranked
        if (entry := found.get(pk)) is not None
    ]
