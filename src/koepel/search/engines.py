"""The two full-text engines behind one small interface, chosen by the database in use.

- SQLite: an FTS5 table ``search_fts`` whose rowid is the entry's id. It holds the text already
  folded and stemmed in Python (``text.index_terms``), because FTS5 has no Dutch stemmer.
- PostgreSQL: a ``tsvector`` column on the entry with a GIN index, configuration ``dutch``,
  computed in the same statement that writes the row. Text is folded in Python first, with the
  same function as on SQLite, because ``dutch`` keeps some accents ("crèche" stays "crèch").

Both read the same parsed query (``parse.Query``); ranking is the engine's own (bm25 on SQLite,
ts_rank_cd on PostgreSQL), with the title weighted above the text.

The SQL below is put together from this module's constants and from SQL that Django compiled;
every value (the query text included) goes to the database as a parameter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Q
from django.db.models.expressions import RawSQL

from koepel.search.parse import Clause, Query
from koepel.search.text import fold, index_terms

FTS_TABLE = "search_fts"
VECTOR_COLUMN = "search_vector"
# bm25 weights per FTS5 column (title, text); PostgreSQL weighs title as A and text as B.
TITLE_WEIGHT = 10.0
# PostgreSQL cannot hold a tsvector over 1 MB; a longer text is indexed by its beginning.
MAX_VECTOR_TEXT = 500_000
_CHUNK = 500


class Engine(Protocol):
    @property
    def vendor(self) -> str: ...

    @property
    def vector_column(self) -> str | None:
        """A column of the entry's row that the engine fills, if any."""

    def row_vector(self, title: str, text: str) -> tuple[str, list[Any]]:
        """SQL and parameters for ``vector_column``, written with the entry's row."""

    def write(self, cursor: CursorWrapper, rows: Sequence[tuple[int, str, str]]) -> None:
        """Index the (id, title, text) of entries just written."""

    def forget(self, cursor: CursorWrapper, ids: Sequence[int]) -> None:
        """Take entries out of the index (their rows are rewritten or deleted)."""

    def forget_all(self, cursor: CursorWrapper) -> None: ...

    def settle(self, cursor: CursorWrapper) -> None:
        """Tidy up after writing many entries at once."""

    def matching(self, query: Query) -> Q:
        """A condition on SearchEntry that holds for the entries matching the query."""

    def ranked_sql(
        self, query: Query, within: tuple[str, Sequence[Any]], limit: int, offset: int
    ) -> tuple[str, list[Any]]:
        """SQL selecting (id, score) of the matching entries among ``within``, best first."""


def _in_list(ids: Sequence[int]) -> str:
    return ", ".join(["%s"] * len(ids))


class SQLiteEngine:
    vendor = "sqlite"
    vector_column = None

    def row_vector(self, title: str, text: str) -> tuple[str, list[Any]]:
        raise NotImplementedError("The SQLite engine keeps its index in its own table.")

    def write(self, cursor: CursorWrapper, rows: Sequence[tuple[int, str, str]]) -> None:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, text) VALUES (%s, %s, %s)",  # noqa: S608
            [(pk, index_terms(title), index_terms(text)) for pk, title, text in rows],
        )

    def forget(self, cursor: CursorWrapper, ids: Sequence[int]) -> None:
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            sql = f"DELETE FROM {FTS_TABLE} WHERE rowid IN ({_in_list(chunk)})"  # noqa: S608
            cursor.execute(sql, chunk)

    def forget_all(self, cursor: CursorWrapper) -> None:
        cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608

    def settle(self, cursor: CursorWrapper) -> None:
        # Many small writes leave many index segments; merging them makes queries faster.
        cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")  # noqa: S608

    @staticmethod
    def expression(query: Query) -> str:
        """The FTS5 query: every clause a quoted string, so nothing typed is an operator."""
        return " AND ".join(_fts5_clause(clause) for clause in query.clauses)

    def matching(self, query: Query) -> Q:
        return Q(
            pk__in=RawSQL(  # noqa: S611
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s",  # noqa: S608
                [self.expression(query)],
            )
        )

    def ranked_sql(
        self, query: Query, within: tuple[str, Sequence[Any]], limit: int, offset: int
    ) -> tuple[str, list[Any]]:
        within_sql, within_params = within
        # ``rank`` is bm25 with the column weights set in migration 0002; FTS5 computes it
        # once per row when the query orders by it.
        sql = (
            f"SELECT rowid, -rank AS score FROM {FTS_TABLE} "  # noqa: S608
            f"WHERE {FTS_TABLE} MATCH %s AND rowid IN ({within_sql}) "
            "ORDER BY rank, rowid LIMIT %s OFFSET %s"
        )
        return sql, [self.expression(query), *within_params, limit, offset]


def _fts5_clause(clause: Clause) -> str:
    # Stems hold only letters and digits, so a double-quoted string needs no escaping.
    return f'"{" ".join(clause.stems)}"' + ("*" if clause.prefix else "")


class PostgresEngine:
    vendor = "postgresql"
    vector_column = VECTOR_COLUMN

    def row_vector(self, title: str, text: str) -> tuple[str, list[Any]]:
        sql = (
            "setweight(to_tsvector('dutch'::regconfig, %s), 'A') || "
            "setweight(to_tsvector('dutch'::regconfig, %s), 'B')"
        )
        return sql, [fold(title), fold(text[:MAX_VECTOR_TEXT])]

    def write(self, cursor: CursorWrapper, rows: Sequence[tuple[int, str, str]]) -> None:
        pass  # the vector was written with the row

    def forget(self, cursor: CursorWrapper, ids: Sequence[int]) -> None:
        pass  # the vector goes with the row

    def forget_all(self, cursor: CursorWrapper) -> None:
        pass

    def settle(self, cursor: CursorWrapper) -> None:
        # Fresh statistics, so the planner knows how common each word now is.
        cursor.execute("ANALYZE search_searchentry")

    @staticmethod
    def expression(query: Query) -> str:
        """The to_tsquery text: PostgreSQL stems the words and counts the stop words'
        places in a phrase itself."""
        return " & ".join(_tsquery_clause(clause) for clause in query.clauses)

    def matching(self, query: Query) -> Q:
        return Q(
            pk__in=RawSQL(  # noqa: S611
                f"SELECT id FROM search_searchentry WHERE {VECTOR_COLUMN} "  # noqa: S608
                "@@ to_tsquery('dutch'::regconfig, %s)",
                [self.expression(query)],
            )
        )

    def ranked_sql(
        self, query: Query, within: tuple[str, Sequence[Any]], limit: int, offset: int
    ) -> tuple[str, list[Any]]:
        within_sql, within_params = within
        # Normalisation 1 divides by the log of the length, so long texts do not win by size.
        sql = (
            f"SELECT e.id, ts_rank_cd(e.{VECTOR_COLUMN}, q, 1) AS score "  # noqa: S608
            "FROM search_searchentry e, to_tsquery('dutch'::regconfig, %s) q "
            f"WHERE e.{VECTOR_COLUMN} @@ q AND e.id IN ({within_sql}) "
            "ORDER BY score DESC, e.id LIMIT %s OFFSET %s"
        )
        return sql, [self.expression(query), *within_params, limit, offset]


def _tsquery_clause(clause: Clause) -> str:
    # Words hold only letters and digits, so single quotes need no escaping.
    quoted = [f"'{word}'" for word in clause.words]
    if clause.prefix:
        quoted[-1] += ":*"
    return f"({' <-> '.join(quoted)})" if clause.is_phrase else quoted[0]


def current() -> Engine:
    """The engine of the database Koepel runs on."""
    if connection.vendor == "postgresql":
        return PostgresEngine()
    if connection.vendor == "sqlite":
        return SQLiteEngine()
    raise NotImplementedError(f"Search runs on SQLite or PostgreSQL, not {connection.vendor}.")
