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
from django.db.models import Exists, OuterRef, QuerySet

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
    chosen = [kind for kind in kinds if kind in KINDS]
    found = _found(user, query, body=body, year=year)
    page = max(1, page)
    counts, ranked = _counts_and_page(found, chosen, page, per_page)
    total = sum(counts.get(kind, 0) for kind in chosen) if chosen else sum(counts.values())
    results = Results(query=q, total=total, page=page, per_page=per_page, counts_by_kind=counts)
    if page > results.pages:  # asked beyond the end: show the last page
        results.page = results.pages
        counts, ranked = _counts_and_page(found, chosen, results.page, per_page)
    results.hits = _hits(query, ranked)
    return results


def _found(user: Any, query: Query, *, body: Body | None, year: int | None) -> QuerySet[Any]:
    """The matching entries the user may see, with their score: the one access check and the
    filters on top of the engine's match."""
    engine = engines.current()
    entries = visible(SearchEntry.objects.filter(engine.matching(query)), user)
    if body is not None:
        # A test per entry, not a join: a join would repeat an entry of two of the bodies.
        in_bodies = SearchEntry.bodies.through.objects.filter(
            searchentry_id=OuterRef("pk"), body_id__in=_with_bodies_below(body)
        )
        entries = entries.filter(Exists(in_bodies))
    if year is not None:
        entries = entries.filter(year=year)
    return entries.annotate(score=engine.score(query))


def _with_bodies_below(body: Body) -> list[int]:
    """A body and the bodies within it: a pillar's records include its theme groups'."""
    return sorted(Body.objects.with_descendants(body.pk))


def _counts_and_page(
    found: QuerySet[Any], kinds: list[str], page: int, per_page: int
) -> tuple[dict[str, int], list[tuple[int, float]]]:
    """Counts per kind and one page of (id, score), in one statement: the visible matches are
    gathered once, then counted (one pass, a count per kind) and ranked (the best ones kept
    while reading). No step sorts all the matches: for a common word they are most of the
    index."""
    within, params = found.order_by().values_list("pk", "kind", "score").query.sql_with_params()
    counts = ", ".join(["COUNT(*) FILTER (WHERE kind = %s)"] * len(KINDS))
    # Typed blanks: PostgreSQL gives an untyped NULL in a subquery the type text.
    blanks = ", ".join(["CAST(NULL AS bigint)"] * len(KINDS))
    only_kinds = f"WHERE kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else ""
    sql = (
        f"WITH found (id, kind, score) AS MATERIALIZED ({within}) "  # noqa: S608 (Django's SQL)
        f"SELECT CAST(NULL AS bigint), CAST(NULL AS real), {counts} FROM found "
        "UNION ALL SELECT * FROM ("
        f"SELECT id, score, {blanks} FROM found {only_kinds} "
        "ORDER BY score DESC, id LIMIT %s OFFSET %s) AS page"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *KINDS, *kinds, per_page, (page - 1) * per_page])
        rows = cursor.fetchall()
    counts_row = next(row for row in rows if row[0] is None)
    counts_by_kind = {kind: n for kind, n in zip(KINDS, counts_row[2:], strict=True) if n}
    ranked = [(row[0], float(row[1])) for row in rows if row[0] is not None]
    return counts_by_kind, ranked


def _hits(query: Query, ranked: list[tuple[int, float]]) -> list[Hit]:
    rows = SearchEntry.objects.filter(pk__in=[pk for pk, _ in ranked]).values_list(
        "pk", "kind", "title", "url", "trail", "year", "text"
    )
    found = {row[0]: row for row in rows}
    hits = []
    for pk, score in ranked:
        if pk not in found:
            continue  # removed since it was ranked
        _, kind, title, url, trail, year, text = found[pk]
        hits.append(
            Hit(
                kind=kind,
                title=title,
                url=url,
                trail=trail,
                snippet=snippet(text, query),
                score=score,
                year=year,
            )
        )
    return hits
