"""How many entries hold a common word, per kind and visibility level, kept in a table of
their own, so that a search for such a word does not count its matches every time.

Counting every match of a common word per kind is most of what such a search costs: on
PostgreSQL the engine reads the row of each match for its kind (0.2 to 0.9 s for a word in a
quarter of 1.7 million entries). The counts a search makes are kept per access and data
version (``koepel.core.caching``), but the first search after a start, or after a write of the
word, pays for them again. So the first search of a common word counts its entries once per
kind and level (``counts``), while writes of the index wait, and stores them (``WordCount``);
from then on every write of the index adds and takes away what it changes of the counted
words (``change``), in its own transaction, and the counts stay exact. A write that does not
know what it replaces (a load, a rebuild, many entries at once) forgets every count
(``forget``): the next search of a common word counts it again.

A viewer's counts are those of the levels they see, added up, and what the engine counts of
the few entries at the other levels that they see through their own terms (their bodies,
themselves). Only a search for one word or one prefix (``werk*``, kept as such) without
filters is answered so; the engine counts every other search itself.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import nullcontext

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from koepel.search import engines
from koepel.search.models import WordCount
from koepel.search.parse import Query
from koepel.search.terms import Conditions, Seen

# What a write changes of the counts: entries added (or, below 0, taken away) per word, kind
# and visibility level.
Change = Counter[tuple[str, str, str]]


def word_of(query: Query) -> str | None:
    """What a search for one word or one prefix (no phrase) is kept as: the word's stem, or
    the prefix followed by ``*`` (``werk*``)."""
    if len(query.clauses) != 1:
        return None
    (clause,) = query.clauses
    if clause.is_phrase or len(clause.stems) != 1:
        return None
    return clause.stems[0] + ("*" if clause.prefix else "")


def held(forms: set[str], words: frozenset[str]) -> set[str]:
    """Which of the kept ``words`` an entry whose words are ``forms`` holds: a word itself, a
    prefix when one of them starts with it (once, however many do)."""
    found = forms & words
    for word in words:
        if word.endswith("*") and any(form.startswith(word[:-1]) for form in forms):
            found.add(word)
    return found


def counts(query: Query, seen: Seen | None, kinds: Sequence[str]) -> dict[str, int]:
    """How many entries of each kind a viewer who sees ``seen`` (None: everything) finds for
    ``query``, a search for one word or prefix (``word_of``): from the kept counts, counted
    first when the word is not yet."""
    word = word_of(query)
    if word is None:
        raise ValueError(f"Only a search for one word or prefix is counted here: {query.text!r}.")
    engine = engines.current()
    settings = () if connection.in_atomic_block else engine.search_settings
    stored = list(WordCount.objects.filter(word=word).values_list("kind", "visibility", "entries"))
    if not stored:
        stored = _count(engine, query, word, settings)
    found: Counter[str] = Counter()
    for kind, visibility, entries in stored:
        if seen is None or f"v{visibility}" in seen.levels:
            found[kind] += entries
    if seen is not None and seen.terms and seen.other_levels:
        # The entries at a level the viewer does not see, but of one of their bodies or
        # naming them: few, and the engine finds them by those terms.
        own = Conditions(choices=(seen.other_levels, seen.terms))
        with (
            transaction.atomic(savepoint=False) if settings else nullcontext(),
            connection.cursor() as cursor,
        ):
            for setting in settings:
                cursor.execute(setting)
            found.update(engine.count(cursor, query, own, kinds))
    return {kind: found[kind] for kind in kinds if found[kind]}


def _count(
    engine: engines.Engine, query: Query, word: str, settings: Sequence[str]
) -> list[tuple[str, str, int]]:
    """Count the entries with ``word`` per kind and level, and keep the counts. Writes of the
    index wait meanwhile: a write that began before waits for this count, so it is in it, and
    one that begins after finds the word counted, so it changes the count (``change``)."""
    table = WordCount._meta.db_table
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        engine.hold_writes(cursor)
        # On SQLite this first write takes the database's write lock, before anything is read.
        cursor.execute(f"DELETE FROM {table} WHERE word = %s", [word])  # noqa: S608
        for setting in settings:
            cursor.execute(setting)
        tallied = engine.tally(cursor, query)
        # Another process may count the same word at the same time (on PostgreSQL both hold
        # the lock, which only writers wait for): what it stored first is the same.
        WordCount.objects.bulk_create(
            [
                WordCount(word=word, kind=kind, visibility=visibility, entries=entries)
                for kind, visibility, entries in tallied
            ],
            ignore_conflicts=True,
        )
    return tallied


def entry_change(
    change: Change, forms: Iterable[str], kind: str, visibility: str, sign: int
) -> None:
    """Add to ``change`` an entry coming (``sign`` 1) or going (-1) with these words."""
    for form in forms:
        change[form, kind, visibility] += sign


def counted(cursor: CursorWrapper) -> frozenset[str]:
    """The words kept. A writer asks after it has written its entries: on PostgreSQL a count
    of a word that began meanwhile has then either waited for it, or is done and kept."""
    cursor.execute(f"SELECT DISTINCT word FROM {WordCount._meta.db_table}")  # noqa: S608
    return frozenset(word for (word,) in cursor.fetchall())


def change(cursor: CursorWrapper, changed: Change) -> None:
    """Add what a write of the index changed to the counts of the words kept (``changed``
    holds only those: see ``counted``)."""
    rows = sorted(
        (word, kind, visibility, entries)
        for (word, kind, visibility), entries in changed.items()
        if entries
    )
    if not rows:
        return
    table = WordCount._meta.db_table
    larger = "GREATEST" if connection.vendor == "postgresql" else "max"
    # In one order, so that two writers never wait for each other's rows. A count never goes
    # below 0, though it cannot: a write takes away only entries that were there.
    cursor.executemany(
        f"INSERT INTO {table} (word, kind, visibility, entries) "  # noqa: S608
        "VALUES (%s, %s, %s, %s) ON CONFLICT (word, kind, visibility) "
        f"DO UPDATE SET entries = {larger}({table}.entries + %s, 0)",
        [
            (word, kind, visibility, max(entries, 0), entries)
            for word, kind, visibility, entries in rows
        ],
    )


def forget(cursor: CursorWrapper) -> None:
    """Forget every count: after a write that did not say what it replaced. A migration from
    before the counts were kept may rewrite the index (``writing.rewrite_index``): then there
    is nothing to forget."""
    table = WordCount._meta.db_table
    if table in connection.introspection.table_names(cursor):
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
