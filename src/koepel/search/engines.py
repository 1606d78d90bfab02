"""The two full-text engines behind one small interface, chosen by the database in use.

- SQLite: an FTS5 table ``search_fts`` whose rowid is the entry's id: the title and text as
  ``text.index_terms`` gives them (folded and stemmed in Python: FTS5 has no Dutch stemmer),
  and the entry's access and filter terms (``terms``) in a third column, ``access``.
- PostgreSQL: a ``tsvector`` column on the entry with a GIN index, written with the row: the
  stems and places ``text.weighted_vector`` gives (the same Python stemmer as on SQLite), title
  weighted A and text B; the entry's terms as lexemes that start with ``#``; and the title's
  stems once more as lexemes that start with ``^``, so that the index itself finds the entries
  with a word in their title (a weight is only read from each match's vector).

A search is the typed words and the conditions of ``terms`` (who may see what, the filters)
in one match of the engine's own: on SQLite the words are matched in the title and text
columns only and the terms in the access column only, so a typed word never meets a term.
Ranking is the engine's own (bm25 on SQLite, ts_rank on PostgreSQL), higher is better, with
the title weighted above the text; only the typed words are ranked.

The SQL below is put together from this module's constants and from names Django gives;
every value (the query text included) goes to the database as a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from django.db import connection
from django.db.backends.utils import CursorWrapper

from koepel.search import terms as index_terms
from koepel.search.models import SearchEntry
from koepel.search.parse import Clause, Query
from koepel.search.terms import NO_CONDITIONS, Conditions
from koepel.search.text import MAX_VECTOR_TEXT, STOP_WORDS, stem, weighted_vector
from koepel.search.text import index_terms as text_terms

FTS_TABLE = "search_fts"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "search_entry_vector"  # migration 0002
INDEX_BUILD_MEMORY = "256MB"
# bm25 weights per FTS5 column (title, text, access); PostgreSQL weighs title as A and text
# as B. The access terms weigh nothing: they decide what is found, not how well.
TITLE_WEIGHT = 10.0
BM25_WEIGHTS = f"{TITLE_WEIGHT}, 1.0, 0.0"
_CHUNK = 500
# FTS5 merges segments on its own once four pile up at one level (its ``automerge``).
SEGMENTS_WITHOUT_MERGING = 4
# The lexemes of the access terms start with this on PostgreSQL, and those of the title's
# words with the other: no typed word does.
TERM_MARK = "#"
TITLE_MARK = "^"

# One hit as the page shows it: id, score, and these columns of the entry.
SHOWN = ("kind", "title", "url", "trail", "year", "text")
_SHOWN_TYPES = ("text", "text", "text", "text", "integer", "text")


class Frequency(NamedTuple):
    """How common a search's rarest word is: its share of the entries, and how many there are."""

    share: float
    entries: int

    @property
    def matches(self) -> int:
        return round(self.share * self.entries)


class Engine(Protocol):
    @property
    def vendor(self) -> str: ...

    def counts_apart(self, *, bounded: bool) -> bool:
        """Whether the engine counts the matches per kind apart from ranking them (and so
        gains from counts known already), rather than in the same pass; ``bounded``: for a
        search that ranks a bounded set (``counts_and_page``)."""

    @property
    def vector_column(self) -> str | None:
        """A column of the entry's row that the engine fills, if any."""

    def prepare(self, title: str, text: str, terms: list[str]) -> tuple[str, ...]:
        """What the engine stores of an entry's title, text and terms (``write``, or with
        the row in ``vector_column``)."""

    def vector(self, *values: str) -> str:
        """SQL for ``vector_column`` from SQL for the values ``prepare`` gave."""

    def set_index_aside(self, cursor: CursorWrapper) -> bool:
        """Stop keeping the index up to date row by row, before a large write into an empty
        index; whether it did (then ``restore_index`` must follow in the transaction)."""

    def restore_index(self, cursor: CursorWrapper) -> None:
        """Build the index set aside from every entry there is."""

    def write(self, cursor: CursorWrapper, rows: Sequence[tuple[int, tuple[str, ...]]]) -> None:
        """Index the entries just written: (id, what ``prepare`` gave)."""

    def forget(self, cursor: CursorWrapper, ids: Sequence[int]) -> None:
        """Take entries out of the index (their rows are rewritten or deleted)."""

    def forget_all(self, cursor: CursorWrapper) -> None: ...

    def settle(self, cursor: CursorWrapper, *, emptied: bool = False) -> None:
        """Tidy up after writing many entries at once; ``emptied``: entries were deleted
        first (``forget_all`` of an index that held some)."""

    def expression(self, query: Query, conditions: Conditions = NO_CONDITIONS) -> str:
        """The query and conditions in the engine's own syntax (a parameter of the match)."""

    def counts_and_page(
        self,
        cursor: CursorWrapper,
        query: Query,
        conditions: Conditions,
        kinds: Sequence[str],
        chosen: Sequence[str],
        limit: int,
        offset: int,
        *,
        bounded: bool = False,
        counted: dict[str, int] | None = None,
    ) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
        """How many entries of each of ``kinds`` match, and those of the ``chosen`` kinds
        (all when none are chosen) ranked ``offset`` to ``offset + limit``, best first: id,
        score and the ``SHOWN`` columns.

        ``bounded``: rank only the entries with the words in their title, when they fill the
        page; else all of them. The counts are the same either way. ``counted``: the counts,
        known already (an engine that counts apart from ranking need not count again)."""

    def frequency(self, cursor: CursorWrapper, query: Query, *, at_least: int) -> Frequency | None:
        """How common the rarest of the query's clauses is, as far as the engine's statistics
        tell (a phrase counts as its rarest word, a prefix as the words it starts added
        up); None when the index holds fewer than ``at_least`` entries."""

    @property
    def search_settings(self) -> Sequence[str]:
        """Statements setting up the transaction of a search statement (none: no transaction)."""

    def count(
        self, cursor: CursorWrapper, query: Query, conditions: Conditions, kinds: Sequence[str]
    ) -> dict[str, int]:
        """How many entries of each of ``kinds`` match, none left out (``kind``: n, n > 0)."""

    def tally(self, cursor: CursorWrapper, query: Query) -> list[tuple[str, str, int]]:
        """How many entries match, seen by anyone or not: (kind, visibility, n) per pair."""

    def hold_writes(self, cursor: CursorWrapper) -> None:
        """Make writes of the index wait until the transaction ends (``wordcounts``)."""

    def forms(self, title: str, text: str) -> set[str]:
        """The words (their index forms) the index holds of an entry with this text."""


def _page_statement(ranked: str) -> str:
    quote = connection.ops.quote_name
    shown = ", ".join(f"entry.{quote(column)}" for column in SHOWN)
    return (
        f"SELECT best.id, best.score, {shown} FROM ({ranked}) AS best "  # noqa: S608
        f"JOIN {SearchEntry._meta.db_table} AS entry ON entry.{quote('id')} = best.id "
        "ORDER BY best.score DESC, best.id"
    )


class SQLiteEngine:
    vendor = "sqlite"
    vector_column = None
    search_settings = ()

    @staticmethod
    def counts_apart(*, bounded: bool) -> bool:
        return True

    @staticmethod
    def prepare(title: str, text: str, terms: list[str]) -> tuple[str, ...]:
        return (text_terms(title), text_terms(text), " ".join(terms))

    def vector(self, *values: str) -> str:
        raise NotImplementedError("The SQLite engine keeps its index in its own table.")

    @staticmethod
    def set_index_aside(cursor: CursorWrapper) -> bool:
        # FTS5 gathers a large write's words in memory (``hashsize``, migration 0003) and
        # writes them out in few segments: there is nothing to gain.
        return False

    def restore_index(self, cursor: CursorWrapper) -> None:
        pass

    def write(self, cursor: CursorWrapper, rows: Sequence[tuple[int, tuple[str, ...]]]) -> None:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, text, access) "  # noqa: S608
            "VALUES (%s, %s, %s, %s)",
            [(pk, *values) for pk, values in rows],
        )

    def forget(self, cursor: CursorWrapper, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            placeholders = ", ".join(["%s"] * len(chunk))
            cursor.execute(f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({placeholders})", chunk)  # noqa: S608

    def forget_all(self, cursor: CursorWrapper) -> None:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608

    def settle(self, cursor: CursorWrapper, *, emptied: bool = False) -> None:
        # Deleted rows stay in the index as markers until its segments are merged, and many
        # small writes leave many segments: merging makes queries faster. A large write (with
        # ``hashsize``, migration 0003) into an index without deletions leaves one or two
        # segments, which search as fast as one (within 3% on 100,000 sections), so then the
        # index is not rewritten.
        cursor.execute(f"SELECT count(DISTINCT segid) FROM {FTS_TABLE}_idx")  # noqa: S608
        (segments,) = cursor.fetchone()
        if emptied or segments > SEGMENTS_WITHOUT_MERGING:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608
        cursor.execute("ANALYZE search_searchentry")

    @staticmethod
    def expression(query: Query, conditions: Conditions = NO_CONDITIONS) -> str:
        """The FTS5 query: every clause a quoted string, so nothing typed is an operator,
        matched in the title and text; each condition a choice of terms in the access
        column."""
        parts = [f"{{title text}} : ({_fts5_words(query)})"]
        parts += [f"access : ({' OR '.join(choice)})" for choice in conditions.choices]
        matched = " AND ".join(parts)
        seen = conditions.seen
        if seen is None:
            return matched
        # What the viewer may see as two branches: the entries at a level they see, matched
        # as those at none of the other levels, and those holding one of their own terms.
        # FTS5 walks the lists of the terms it seeks in: the levels a member sees hold most
        # of the index, the others and their own terms far less (at 1.7 million entries a
        # count of a selective word took 4 ms instead of 38).
        # The branches do not overlap: an entry matched by both would be ranked twice.
        others = seen.other_levels
        hidden = f"access : ({' OR '.join(others)})"
        branches = []
        if seen.levels:
            branches.append(f"({matched} NOT {hidden})" if others else f"({matched})")
        if seen.terms and others:
            branches.append(f"({matched} AND {hidden} AND access : ({' OR '.join(seen.terms)}))")
        return "(" + " OR ".join(branches) + ")"

    def counts_and_page(
        self,
        cursor: CursorWrapper,
        query: Query,
        conditions: Conditions,
        kinds: Sequence[str],
        chosen: Sequence[str],
        limit: int,
        offset: int,
        *,
        bounded: bool = False,
        counted: dict[str, int] | None = None,
    ) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
        if conditions.impossible:
            return {}, []
        # One count of the index's own per kind: FTS5 walks the lists of the words and terms
        # and reads no row. A kind with no entry at all costs nothing to count: its term has
        # no list. (Asking fts5vocab which kinds have entries walked every kind's list.)
        counts = (
            dict(counted) if counted is not None else self.count(cursor, query, conditions, kinds)
        )
        if not any(counts.get(kind) for kind in chosen or kinds):
            return counts, []
        if chosen:
            conditions = conditions.also([index_terms.kind(kind) for kind in chosen])
        ranked = (
            f"SELECT rowid AS id, -bm25({FTS_TABLE}, {BM25_WEIGHTS}) AS score "  # noqa: S608
            f"FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s "
            "ORDER BY score DESC, id LIMIT %s OFFSET %s"
        )
        if bounded:
            # The words in the title as well: bm25 ranks only those entries, and weighs
            # each one's title twice (once per match of the words) beside its text.
            title = f"{{title}} : ({_fts5_words(query)})"
            cursor.execute(
                _page_statement(ranked),
                [f"{title} AND {self.expression(query, conditions)}", limit, offset],
            )
            rows = list(cursor.fetchall())
            if len(rows) == limit:
                return counts, rows
        cursor.execute(_page_statement(ranked), [self.expression(query, conditions), limit, offset])
        return counts, list(cursor.fetchall())

    def count(
        self, cursor: CursorWrapper, query: Query, conditions: Conditions, kinds: Sequence[str]
    ) -> dict[str, int]:
        # One count of the index's own per kind: FTS5 walks the lists of the words and terms
        # and reads no row. A kind with no entry at all costs nothing to count: its term has
        # no list. (Asking fts5vocab which kinds have entries walked every kind's list.)
        if conditions.impossible or not kinds:
            return {}
        count = f"(SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)"  # noqa: S608
        cursor.execute(
            f"SELECT {', '.join([count] * len(kinds))}",
            [self.expression(query, conditions.also([index_terms.kind(kind)])) for kind in kinds],
        )
        return {kind: n for kind, n in zip(kinds, cursor.fetchone(), strict=True) if n}

    def tally(self, cursor: CursorWrapper, query: Query) -> list[tuple[str, str, int]]:
        # The kind and level of each match from the entries' narrow filter index, by id.
        table = SearchEntry._meta.db_table
        cursor.execute(
            f"SELECT entry.kind, entry.visibility, count(*) FROM {FTS_TABLE} "  # noqa: S608
            f"JOIN {table} AS entry ON entry.{quote('id')} = {FTS_TABLE}.rowid "
            f"WHERE {FTS_TABLE} MATCH %s GROUP BY entry.kind, entry.visibility",
            [self.expression(query)],
        )
        return [(kind, visibility, n) for kind, visibility, n in cursor.fetchall()]

    @staticmethod
    def hold_writes(cursor: CursorWrapper) -> None:
        pass  # the transaction's first write takes the database's one write lock

    @staticmethod
    def forms(title: str, text: str) -> set[str]:
        return set(text_terms(title).split()) | set(text_terms(text).split())

    def frequency(self, cursor: CursorWrapper, query: Query, *, at_least: int) -> Frequency | None:
        entries = _entries(cursor)
        if not entries or entries < at_least:
            return None
        stems = sorted({found for clause in query.clauses for found in _whole(clause)})
        docs: dict[str, int] = {}
        if stems:
            placeholders = ", ".join(["%s"] * len(stems))
            cursor.execute(
                f"SELECT term, doc FROM {FTS_TABLE}_vocab WHERE term IN ({placeholders})",  # noqa: S608
                stems,
            )
            docs = dict(cursor.fetchall())
        for start in sorted({clause.stems[-1] for clause in query.clauses if clause.prefix}):
            if len(start) < SHORT_PREFIX:
                # Adding up the words of a prefix this short walks the lists of thousands of
                # words: it starts so many that it is taken for common.
                docs[f"{start}*"] = entries
                continue
            # The words a prefix stands for, added up: an entry with two of them is counted
            # twice, so this tells how common the prefix is at most.
            cursor.execute(
                f"SELECT sum(doc) FROM {FTS_TABLE}_vocab WHERE term >= %s AND term < %s",  # noqa: S608
                [start, _after(start)],
            )
            docs[f"{start}*"] = min(entries, int(cursor.fetchone()[0] or 0))
        rarest = min(
            min(docs.get(found, 0) for found in _whole(clause) + _started(clause))
            for clause in query.clauses
        )
        return Frequency(share=rarest / entries, entries=entries)


# SQLite: a prefix shorter than this is taken for common without adding up its words.
SHORT_PREFIX = 3


def _whole(clause: Clause) -> tuple[str, ...]:
    """The stems of a clause that are whole words (all but a prefix)."""
    return clause.stems[:-1] if clause.prefix else clause.stems


def _started(clause: Clause) -> tuple[str, ...]:
    return (f"{clause.stems[-1]}*",) if clause.prefix else ()


def _after(start: str) -> str:
    """The first string after every string that starts with ``start``."""
    return start[:-1] + chr(ord(start[-1]) + 1)


def _entries(cursor: CursorWrapper) -> int:
    """How many entries the FTS5 index holds, as it keeps the number for bm25: the first
    varint of its averages record (rowid 1 of its data table). Counting them instead, or
    adding up the documents of the level terms in fts5vocab, walks the whole index."""
    cursor.execute(f"SELECT block FROM {FTS_TABLE}_data WHERE id = 1")  # noqa: S608
    row = cursor.fetchone()
    if row is None:
        return 0
    return _varint(bytes(row[0]))


def _varint(data: bytes) -> int:
    """SQLite's variable-length integer: seven bits a byte, high byte first, while the top
    bit is set; a ninth byte gives all eight."""
    value = 0
    for place, byte in enumerate(data[:9]):
        if place == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value
    return value


def _fts5_words(query: Query) -> str:
    return " AND ".join(_fts5_clause(clause) for clause in query.clauses)


def _fts5_clause(clause: Clause) -> str:
    # Stems hold only letters and digits, so a double-quoted string needs no escaping.
    return f'"{" ".join(clause.stems)}"' + ("*" if clause.prefix else "")


class PostgresEngine:
    vendor = "postgresql"
    vector_column = VECTOR_COLUMN
    # The planner takes matching and ranking a row for a cheap step and so runs a search for
    # a common word on one core; it is the costly part, and on two cores a word in 75% of
    # 100,000 sections takes 95 instead of 142 ms. Lower costs for starting and feeding
    # parallel workers (defaults 1000 and 0.1) make it choose them then; a rare word keeps its
    # plan. Set for the search statement's transaction only.
    # Compiling the statement (JIT, from a plan cost of 100,000) took 20 to 50 ms of a common
    # word's count at 1.7 million entries and saved nothing: its time is in matching vectors.
    search_settings = (
        "SET LOCAL parallel_setup_cost = 100",
        "SET LOCAL parallel_tuple_cost = 0.01",
        "SET LOCAL jit = off",
    )

    @staticmethod
    def counts_apart(*, bounded: bool) -> bool:
        """A search for selective words counts in the pass that ranks, at next to no cost; a
        common word's counts are a statement of their own, which reads each match's row but
        not its vector, and its page ranks only the title hits (``counts_and_page``)."""
        return bounded

    @staticmethod
    def prepare(title: str, text: str, terms: list[str]) -> tuple[str, ...]:
        """The vector as one literal: the title's words weighted A, the text's B, their
        places going on from the title's as ``||`` shifts them (``text.weighted_vector``);
        the terms, and the title's words marked as such, without places."""
        marked = [f"'{TERM_MARK}{term}'" for term in terms]
        marked += [f"'{TITLE_MARK}{form}'" for form in sorted(set(text_terms(title).split()))]
        return (f"{weighted_vector(title, text)} {' '.join(marked)}",)

    @staticmethod
    def vector(*values: str) -> str:
        """SQL for the vector from SQL for the literal ``prepare`` gave."""
        (literal,) = values
        return f"CAST({literal} AS tsvector)"

    @staticmethod
    def set_index_aside(cursor: CursorWrapper) -> bool:
        """Drop the vectors' GIN index until ``restore_index``, for a large write into an
        empty index: building it once from the full table costs a fraction of keeping it up to
        date row by row (docs/performance.md, "Search"). Until the transaction ends, the
        table is locked against every other reader and writer."""
        cursor.execute(f"DROP INDEX {VECTOR_INDEX}")
        return True

    @staticmethod
    def restore_index(cursor: CursorWrapper) -> None:
        table = SearchEntry._meta.db_table
        # An index cannot be built on a table with checks still to run in the transaction:
        # the deferred checks of the links to entries deleted or added in it (a rebuild
        # empties the index first) are run now rather than at the commit, then deferred again.
        cursor.execute(
            "SELECT string_agg(quote_ident(n.nspname) || '.' || quote_ident(c.conname), ', ') "
            "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace "
            "WHERE c.confrelid = CAST(%s AS regclass) AND c.contype = 'f' "
            "AND c.condeferrable AND c.condeferred",
            [table],
        )
        (deferred,) = cursor.fetchone()
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} IMMEDIATE")
        # The index's words are gathered in memory up to this much before they are written
        # out; the server's default (64 MB) makes a large index in several passes.
        cursor.execute(f"SET LOCAL maintenance_work_mem = '{INDEX_BUILD_MEMORY}'")
        cursor.execute(f"CREATE INDEX {VECTOR_INDEX} ON {table} USING gin ({VECTOR_COLUMN})")
        if deferred:
            cursor.execute(f"SET CONSTRAINTS {deferred} DEFERRED")

    def write(self, cursor: CursorWrapper, rows: Sequence[tuple[int, tuple[str, ...]]]) -> None:
        pass  # the vector was written with the row

    def forget(self, cursor: CursorWrapper, ids: Sequence[int]) -> None:
        pass  # the vector goes with the row

    def forget_all(self, cursor: CursorWrapper) -> None:
        pass

    def settle(self, cursor: CursorWrapper, *, emptied: bool = False) -> None:
        # Fresh statistics, so the planner knows how common each word now is (``share`` reads
        # them too), of the columns a search filters on: those of the titles and texts,
        # which no statement compares, took half the time (the texts are read from their
        # TOAST storage to be measured).
        cursor.execute(
            f"ANALYZE {SearchEntry._meta.db_table} ({VECTOR_COLUMN}, id, kind, visibility, year)"
        )

    @staticmethod
    def words(query: Query) -> str:
        """The typed words as a tsquery literal, already stemmed, as ranked."""
        return " & ".join(_tsquery_clause(clause) for clause in query.clauses)

    @staticmethod
    def titles(query: Query, *, every: bool = True) -> str:
        """A tsquery literal of the entries with every typed word in their title (the words
        of a phrase each on their own: its order is the rest of the match's to check); not
        ``every``: with the words of one clause or another in their title."""
        clauses = []
        for clause in query.clauses:
            marked = [f"'{TITLE_MARK}{found}'" for found in clause.stems]
            if clause.prefix:
                marked[-1] += ":*"
            clauses.append(" & ".join(marked))
        if every:
            return " & ".join(clauses)
        return " | ".join(f"({found})" for found in clauses)

    @classmethod
    def expression(cls, query: Query, conditions: Conditions = NO_CONDITIONS) -> str:
        """The tsquery literal of the words and the conditions: what an entry must match."""
        parts = [f"({cls.words(query)})"]
        parts += [
            "(" + " | ".join(f"'{TERM_MARK}{term}'" for term in choice) + ")"
            for choice in conditions.all_choices
        ]
        return " & ".join(parts)

    def counts_and_page(
        self,
        cursor: CursorWrapper,
        query: Query,
        conditions: Conditions,
        kinds: Sequence[str],
        chosen: Sequence[str],
        limit: int,
        offset: int,
        *,
        bounded: bool = False,
        counted: dict[str, int] | None = None,
    ) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
        """Selective words: one statement, in which the matches are gathered once, then
        counted (a count per kind, read from the row whose vector the match reads anyway)
        and ranked (the best ones kept while reading), and only the page's rows are read in
        full.

        Bounded: the counts are a statement of their own (unless ``counted``), which the
        index answers without reading a vector (the words and terms are plain lexemes), and
        the page ranks the entries the index finds with the words in their title (the
        ``TITLE_MARK`` lexemes); when they do not fill the page, every match is ranked. The
        one statement would read the vector of every match, to rank it or to read its
        weights: a word in a quarter of 1.7 million entries took a second."""
        if conditions.impossible:
            return {}, []
        if not bounded:
            return self._counts_and_page(cursor, query, conditions, kinds, chosen, limit, offset)
        counts = (
            dict(counted) if counted is not None else self.count(cursor, query, conditions, kinds)
        )
        if not any(counts.get(kind) for kind in chosen or kinds):
            return counts, []
        if chosen:
            conditions = conditions.also([index_terms.kind(kind) for kind in chosen])
        ranked = (
            f"SELECT {quote('id')} AS id, ts_rank({VECTOR_COLUMN}, %s::tsquery, 1) AS score "  # noqa: S608
            f"FROM {SearchEntry._meta.db_table} WHERE {VECTOR_COLUMN} @@ %s::tsquery "
            "ORDER BY score DESC, id LIMIT %s OFFSET %s"
        )
        expression = self.expression(query, conditions)
        # Every word in the title; then, of several, any; then every match.
        candidates = [f"{self.titles(query)} & {expression}"]
        if len(query.clauses) > 1:
            candidates.append(f"({self.titles(query, every=False)}) & {expression}")
        for matched in [*candidates, expression]:
            cursor.execute(_page_statement(ranked), [self.words(query), matched, limit, offset])
            rows = list(cursor.fetchall())
            if len(rows) == limit:
                break
        return counts, rows

    def count(
        self, cursor: CursorWrapper, query: Query, conditions: Conditions, kinds: Sequence[str]
    ) -> dict[str, int]:
        if conditions.impossible:
            return {}
        cursor.execute(
            f"SELECT kind, count(*) FROM {SearchEntry._meta.db_table} "  # noqa: S608
            f"WHERE {VECTOR_COLUMN} @@ %s::tsquery GROUP BY kind",
            [self.expression(query, conditions)],
        )
        return {kind: n for kind, n in cursor.fetchall() if kind in kinds}

    def tally(self, cursor: CursorWrapper, query: Query) -> list[tuple[str, str, int]]:
        cursor.execute(
            f"SELECT kind, visibility, count(*) FROM {SearchEntry._meta.db_table} "  # noqa: S608
            f"WHERE {VECTOR_COLUMN} @@ %s::tsquery GROUP BY kind, visibility",
            [self.words(query)],
        )
        return [(kind, visibility, n) for kind, visibility, n in cursor.fetchall()]

    @staticmethod
    def hold_writes(cursor: CursorWrapper) -> None:
        # SHARE: other readers go on; a writer waits, and this waits for those writing.
        cursor.execute(f"LOCK TABLE {SearchEntry._meta.db_table} IN SHARE MODE")

    @staticmethod
    def forms(title: str, text: str) -> set[str]:
        # The vector holds the text up to MAX_VECTOR_TEXT (``text.weighted_vector``).
        return set(text_terms(title).split()) | set(text_terms(text[:MAX_VECTOR_TEXT]).split())

    def _counts_and_page(
        self,
        cursor: CursorWrapper,
        query: Query,
        conditions: Conditions,
        kinds: Sequence[str],
        chosen: Sequence[str],
        limit: int,
        offset: int,
    ) -> tuple[dict[str, int], list[tuple[Any, ...]]]:
        # Normalisation 1 divides by the log of the length, so long texts do not win by size.
        # ts_rank (how often, and where: title or text) rather than ts_rank_cd (also how close
        # together): ts_rank reads each vector in about half the time. Only the words are
        # ranked, not the terms.
        table = SearchEntry._meta.db_table
        counts = ", ".join(["COUNT(*) FILTER (WHERE kind = %s)"] * len(kinds))
        no_counts = ", ".join(["CAST(NULL AS bigint)"] * len(kinds))
        no_hit = ", ".join(f"CAST(NULL AS {kind})" for kind in _SHOWN_TYPES)
        shown = ", ".join(f"entry.{quote(column)}" for column in SHOWN)
        kind_in = f"kind IN ({', '.join(['%s'] * len(chosen))})" if chosen else "TRUE"
        sql = (
            "WITH found (id, kind, score) AS MATERIALIZED ("  # noqa: S608
            f"SELECT id, kind, ts_rank({VECTOR_COLUMN}, %s::tsquery, 1) FROM {table} "
            f"WHERE {VECTOR_COLUMN} @@ %s::tsquery) "
            f"SELECT CAST(NULL AS bigint), CAST(NULL AS real), {no_hit}, {counts} FROM found "
            f"UNION ALL SELECT best.id, best.score, {shown}, {no_counts} FROM ("
            f"SELECT id, score FROM found WHERE {kind_in} "
            "ORDER BY score DESC, id LIMIT %s OFFSET %s) AS best "
            f"JOIN {table} AS entry ON entry.{quote('id')} = best.id"
        )
        cursor.execute(
            sql,
            [
                self.words(query),
                self.expression(query, conditions),
                *kinds,
                *chosen,
                limit,
                offset,
            ],
        )
        rows = cursor.fetchall()
        counts_row = next(row for row in rows if row[0] is None)
        found = {kind: n for kind, n in zip(kinds, counts_row[2 + len(SHOWN) :], strict=True) if n}
        hits = sorted(
            (row[: 2 + len(SHOWN)] for row in rows if row[0] is not None),
            key=lambda row: (-row[1], row[0]),
        )
        return found, hits

    def frequency(self, cursor: CursorWrapper, query: Query, *, at_least: int) -> Frequency | None:
        """From the statistics ``ANALYZE`` keeps of the vectors: the share of each of the
        most common lexemes (a word not among them is rarer than all of them). Read only for
        an index of ``at_least`` entries, by the planner's own estimate of its size."""
        cursor.execute(
            "SELECT reltuples FROM pg_class WHERE oid = %s::regclass",
            [SearchEntry._meta.db_table],
        )
        entries = int(cursor.fetchone()[0])
        if entries <= 0 or entries < at_least:
            return None
        stems = sorted({found for clause in query.clauses for found in _whole(clause)})
        starts = sorted({clause.stems[-1] for clause in query.clauses if clause.prefix})
        cursor.execute(
            "SELECT elem, freq FROM pg_stats, "
            "unnest(most_common_elems::text::text[], most_common_elem_freqs) AS m(elem, freq) "
            "WHERE schemaname = current_schema() AND tablename = %s AND attname = %s "
            "AND (elem = ANY(%s) OR EXISTS ("
            "SELECT FROM unnest(%s::text[]) AS s(start) WHERE starts_with(elem, s.start)))",
            [SearchEntry._meta.db_table, VECTOR_COLUMN, stems, starts],
        )
        shares: dict[str, float] = {}
        for elem, freq in cursor.fetchall():
            shares[elem] = float(freq)
            # The words a prefix stands for, added up (as on SQLite: at most this common).
            for start in starts:
                if elem.startswith(start):
                    shares[f"{start}*"] = min(1.0, shares.get(f"{start}*", 0.0) + float(freq))
        rarest = min(
            min(shares.get(found, 0.0) for found in _whole(clause) + _started(clause))
            for clause in query.clauses
        )
        return Frequency(share=rarest, entries=entries)


def _tsquery_clause(clause: Clause) -> str:
    """A clause as a tsquery: each word's stem (stemmed here, as the vectors were), a stop
    word inside a phrase counted in the distance between the words around it, as the vectors
    count its place."""
    stems: list[tuple[int, str]] = [
        (place, stem(word)) for place, word in enumerate(clause.words) if word not in STOP_WORDS
    ]
    quoted = [f"'{found}'" for _, found in stems]
    if clause.prefix:
        quoted[-1] += ":*"
    if len(quoted) == 1:
        return quoted[0]
    joined = quoted[0]
    for (before, _), (place, _), word in zip(stems[:-1], stems[1:], quoted[1:], strict=True):
        distance = place - before
        joined += f" <{distance}> {word}" if distance > 1 else f" <-> {word}"
    return f"({joined})"


def quote(name: str) -> str:
    return connection.ops.quote_name(name)


def current() -> Engine:
    """The engine of the database Koepel runs on."""
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SQLiteEngine()
    raise NotImplementedError(f"Search runs on SQLite or PostgreSQL, not {connection.vendor}.")
