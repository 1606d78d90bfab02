"""Searching: one call for the search page, the API and any app that wants hits.

What a user may see is decided by the one access check (handed to search, see ``access``):
what it grants the user is matched against the access terms each entry carries in the text
index (``terms``), in the same match as the words, before anything is counted or ranked: a
hidden record adds nothing to a count, a page or a snippet. Without that check a search fails
rather than answer.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Model

from koepel.core import caching
from koepel.search import access, bodies, engines, scopes, terms, wordcounts
from koepel.search.kinds import codes as kind_codes
from koepel.search.parse import Query, parse
from koepel.search.snippets import snippet

MAX_PER_PAGE = 100
# A search whose rarest word is common ranks a bounded set of candidates: the entries with the
# words in their title (``engines``), when they fill the page. Ranking every match of a common
# word is most of the cost of a search (bm25 reads every match's positions: about 2 µs each on
# SQLite, 60 ms for 28,000 matches), and a title that holds the word ranks high anyway
# (weight A, ten times the text on SQLite). A word is common when it is in at least
# COMMON_SHARE of the entries, in an index of at least BOUNDED_FROM, or in at least
# COMMON_MATCHES entries, however large the index: the cost grows with the matches, not with
# their share. The counts are those of every match, whichever way a page is ranked.
COMMON_SHARE = 0.2
BOUNDED_FROM = 10_000
COMMON_MATCHES = 20_000


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
    # What the user may see, from the one access check (none handed over: no search), as the
    # terms the index holds beside the words; the filters likewise.
    conditions = terms.conditions(
        access.grants(user),
        body_ids=bodies.within(body) if body is not None else None,
        year=year,
    )
    page = max(1, page)
    engine = engines.current()
    bounded = _common(_frequency(engine, query))
    found: dict[str, list[tuple[Any, ...]]] = {}

    def count() -> dict[str, int]:
        if bounded and body is None and year is None and wordcounts.word_of(query):
            # A common word or prefix: its counts per kind and level are kept, for everyone.
            return wordcounts.counts(query, conditions.seen, known)
        counts, found["rows"] = _counts_and_page(
            query, conditions, chosen, page, per_page, bounded=bounded
        )
        return counts

    if engine.counts_apart(bounded=bounded):
        # How many entries of each kind match stays the same until an entry with one of the
        # words changes (``scopes``): kept for everyone with the user's access, under the
        # words' scopes (and the register, whose tree a body filter widens to). The page of
        # hits is not: its snippets show the entries' text.
        counts = caching.kept(
            "search-counts",
            count,
            access=lambda: access.key(user),
            kinds=(*scopes.kinds_of(query), *(("registry",) if body is not None else ())),
            parts=(query.clauses, body.pk if body is not None else None, year),
        )
    else:
        counts = count()
    total = sum(counts.get(kind, 0) for kind in chosen) if chosen else sum(counts.values())
    results = Results(query=q, total=total, page=page, per_page=per_page, counts_by_kind=counts)
    if page > results.pages:  # asked beyond the end: show the last page
        results.page = results.pages
        found.pop("rows", None)
    if "rows" not in found:
        _, found["rows"] = _counts_and_page(
            query, conditions, chosen, results.page, per_page, bounded=bounded, counted=counts
        )
    results.hits = _hits(query, found["rows"])
    return results


def _counts_and_page(
    query: Query,
    conditions: terms.Conditions,
    kinds: list[str],
    page: int,
    per_page: int,
    *,
    bounded: bool,
    counted: dict[str, int] | None = None,
) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
    """Counts per kind and one page of hits (id, score and ``engines.SHOWN``), best first,
    ranking a bounded set for common words (``bounded``); with the counts known already
    (``counted``), those."""
    engine = engines.current()
    # Set for the statement's own transaction; inside a caller's they would outlast it.
    settings = () if connection.in_atomic_block else engine.search_settings
    with (
        transaction.atomic(savepoint=False) if settings else nullcontext(),
        connection.cursor() as cursor,
    ):
        for setting in settings:
            cursor.execute(setting)
        return engine.counts_and_page(
            cursor,
            query,
            conditions,
            kind_codes(),
            kinds,
            per_page,
            (page - 1) * per_page,
            bounded=bounded,
            counted=counted,
        )


def _frequency(engine: engines.Engine, query: Query) -> engines.Frequency | None:
    """How common the query's words are. Asking the engine walks their lists on SQLite (25 ms
    for a word in a quarter of 1.7 million entries), and one record more or less hardly
    changes the answer, which only chooses how a page is ranked: kept until the index is
    written as a whole (a load, a rebuild, a deletion), not per record. What anyone may see
    plays no part in it."""

    def ask() -> engines.Frequency | None:
        with connection.cursor() as cursor:
            return engine.frequency(cursor, query, at_least=BOUNDED_FROM)

    return caching.kept(
        "search-frequency",
        ask,
        access="index",
        kinds=(caching.scoped("search", caching.WIDE),),
        parts=(engine.vendor, BOUNDED_FROM, query.clauses),
    )


def _common(frequency: engines.Frequency | None) -> bool:
    """Whether a search is for words common enough to rank a bounded set of candidates."""
    return frequency is not None and (
        frequency.share >= COMMON_SHARE or frequency.matches >= COMMON_MATCHES
    )


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
