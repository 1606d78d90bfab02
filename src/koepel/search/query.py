"""Searching: one call for the search page, the API and any app that wants hits.

What a user may see is decided by the one access check (handed to search, see ``access``) on
the index entries, before anything is counted or ranked: a hidden record adds nothing to a
count, a page or a snippet. Without that check a search fails rather than answer.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef

from koepel.search import access, bodies, engines
from koepel.search.kinds import codes as kind_codes
from koepel.search.models import SearchEntry
from koepel.search.parse import Clause, Query, parse
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
    body: Model | None = None,
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
    known = kind_codes()
    chosen = [kind for kind in kinds if kind in known]
    found = _visible_matches(user, query, body=body, year=year)
    page = max(1, page)
    counts, page_rows = _counts_and_page(found, chosen, page, per_page)
    total = sum(counts.get(kind, 0) for kind in chosen) if chosen else sum(counts.values())
    results = Results(query=q, total=total, page=page, per_page=per_page, counts_by_kind=counts)
    if page > results.pages:  # asked beyond the end: show the last page
        results.page = results.pages
        counts, page_rows = _counts_and_page(found, chosen, results.page, per_page)
    results.hits = _hits(query, page_rows)
    return results


# Stands in for what was typed while the statement is put together (``_visible_matches``).
_STAND_IN = Query(text="", clauses=(Clause(("zoekterm",)),))


def _visible_matches(
    user: Any, query: Query, *, body: Model | None, year: int | None
) -> tuple[str, list[Any]]:
    """The statement giving the matching entries the user may see, with their kind and score:
    the one access check and the filters on top of the engine's match."""
    engine = engines.current()
    check = access.current()  # none handed over: no search
    body_ids = tuple(bodies.within(body)) if body is not None else None
    sql, params, places = _visible_matches_statement(
        check, check.viewer(user), body_ids, year, connection.vendor
    )
    filled = list(params)
    for place in places:
        filled[place] = engine.expression(query)
    return sql, filled


@lru_cache(maxsize=512)
def _visible_matches_statement(
    check: access.AccessCheck,
    viewer: Hashable,
    body_ids: tuple[int, ...] | None,
    year: int | None,
    vendor: str,
) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """The statement of ``_visible_matches`` for a stand-in query, its parameters, and the
    places among them of the query text, put together through the ORM once per viewer and
    filters: that took 2 of the 7.7 ms of a search for a word in 1% of 100,000 sections
    (``bench/search.py``). Only the query text differs between searches, and it is a
    parameter. The viewer is read afresh for each search and is part of the key, so a change
    of roles makes a new statement; so is the access check, so a statement never outlives
    the check that made it."""
    engine = engines.current()
    entries = check.visible(SearchEntry.objects.filter(engine.matching(_STAND_IN)), viewer)
    if body_ids is not None:
        # A test per entry, not a join: a join would repeat an entry of two of the bodies.
        in_bodies = SearchEntry.bodies.through.objects.filter(
            searchentry_id=OuterRef("pk"), body_id__in=body_ids
        )
        entries = entries.filter(Exists(in_bodies))
    if year is not None:
        entries = entries.filter(year=year)
    entries = entries.annotate(score=engine.score(_STAND_IN)).order_by()
    sql, params = entries.values_list("pk", "kind", "score").query.sql_with_params()
    stand_in = engine.expression(_STAND_IN)
    places = tuple(number for number, param in enumerate(params) if param == stand_in)
    # The match, and on PostgreSQL the score, each take the query text once; anything else
    # equal to the stand-in would be filled with the query text too.
    if len(places) != (2 if vendor == "postgresql" else 1):
        raise RuntimeError(f"The query text is not where a search expects it: {places}.")
    return sql, tuple(params), places


# What the page shows of each hit, read in the statement that ranks them.
_SHOWN = ("kind", "title", "url", "trail", "year", "text")
_SHOWN_TYPES = ("text", "text", "text", "text", "integer", "text")


def _counts_and_page(
    found: tuple[str, list[Any]], kinds: list[str], page: int, per_page: int
) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    """Counts per kind and one page of hits (id, score and ``_SHOWN``), best first, in one
    statement: the visible matches are gathered once, then counted (one pass, a count per
    kind) and ranked (the best ones kept while reading), and only the page's rows are read
    in full. No step sorts all the matches: for a common word they are most of the index."""
    within, params = found
    every_kind = kind_codes()
    quote = connection.ops.quote_name
    counts = ", ".join(["COUNT(*) FILTER (WHERE kind = %s)"] * len(every_kind))
    # Typed blanks: PostgreSQL gives an untyped NULL in a subquery the type text.
    no_counts = ", ".join(["CAST(NULL AS bigint)"] * len(every_kind))
    no_hit = ", ".join(f"CAST(NULL AS {kind})" for kind in _SHOWN_TYPES)
    shown = ", ".join(f"entry.{quote(column)}" for column in _SHOWN)
    only_kinds = f"WHERE kind IN ({', '.join(['%s'] * len(kinds))})" if kinds else ""
    sql = (
        f"WITH found (id, kind, score) AS MATERIALIZED ({within}) "  # noqa: S608 (Django's SQL)
        f"SELECT CAST(NULL AS bigint), CAST(NULL AS real), {no_hit}, {counts} FROM found "
        f"UNION ALL SELECT best.id, best.score, {shown}, {no_counts} FROM ("
        f"SELECT id, score FROM found {only_kinds} "
        "ORDER BY score DESC, id LIMIT %s OFFSET %s) AS best "
        f"JOIN {SearchEntry._meta.db_table} AS entry ON entry.{quote('id')} = best.id"
    )
    # Set for the statement's own transaction; inside a caller's they would outlast it.
    settings = () if connection.in_atomic_block else engines.current().search_settings
    with (
        transaction.atomic(savepoint=False) if settings else nullcontext(),
        connection.cursor() as cursor,
    ):
        for setting in settings:
            cursor.execute(setting)
        cursor.execute(sql, [*params, *every_kind, *kinds, per_page, (page - 1) * per_page])
        rows = cursor.fetchall()
    counts_row = next(row for row in rows if row[0] is None)
    counts_by_kind = {
        kind: n for kind, n in zip(every_kind, counts_row[2 + len(_SHOWN) :], strict=True) if n
    }
    hits = sorted(
        (row[: 2 + len(_SHOWN)] for row in rows if row[0] is not None),
        key=lambda row: (-row[1], row[0]),
    )
    return counts_by_kind, hits


def _hits(query: Query, rows: list[tuple[Any, ...]]) -> list[Hit]:
    return [
        Hit(
            kind=kind,
            title=title,
            url=url,
            trail=trail,
            snippet=snippet(text, query),
            score=float(score),
            year=year,
        )
        for _, score, kind, title, url, trail, year, text in rows
    ]
