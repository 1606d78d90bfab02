"""The two full-text engines behind one small interface, chosen by the database in use.

- SQLite: an FTS5 table ``search_fts`` whose rowid is the entry's id. It holds the text already
  folded and stemmed in Python (``text.index_terms``), because FTS5 has no Dutch stemmer.
- PostgreSQL: a ``tsvector`` column on the entry with a GIN index, configuration ``dutch``,
  computed in the same statement that writes the row. Text is folded in Python first, with the
  same function as on SQLite, because ``dutch`` keeps some accents ("crèche" stays "crèch").

Both read the same parsed query (``parse.Query``) and give the ORM a condition and a score, so
that the one access check and the filters are added to the same query by Django. Ranking is
the engine's own (bm25 on SQLite, ts_rank on PostgreSQL), higher is better, with the title
weighted above the text.

The SQL below is put together from this module's constants and from names Django gives;
every value (the query text included) goes to the database as a parameter.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, Expression, F, FloatField, Q
from django.db.models.sql.compiler import SQLCompiler

from koepel.search.parse import Clause, Query

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType
from koepel.search.text import folded_pairs, stemmed_pairs

FTS_TABLE = "search_fts"
VECTOR_COLUMN = "search_vector"
# bm25 weights per FTS5 column (title, text); PostgreSQL weighs title as A and text as B.
TITLE_WEIGHT = 10.0
_CHUNK = 500
# FTS5 merges segments on its own once four pile up at one level (its ``automerge``).
SEGMENTS_WITHOUT_MERGING = 4


class Engine(Protocol):
    @property
    def vendor(self) -> str: ...

    @property
    def vector_column(self) -> str | None:
        """A column of the entry's row that the engine fills, if any."""

    @property
    def prepare(self) -> Callable[[list[tuple[str, str]]], list[tuple[str, str]]]:
        """Titles and texts as the engine indexes them."""

    def vector(self, title: str, text: str) -> str:
        """SQL for ``vector_column`` from SQL for the prepared title and text, written with
        the entry's row."""

    def write(self, cursor: CursorWrapper, rows: Sequence[tuple[int, tuple[str, str]]]) -> None:
        """Index the entries just written: (id, prepared title and text)."""

    def forget(self, cursor: CursorWrapper, ids: Sequence[int]) -> None:
        """Take entries out of the index (their rows are rewritten or deleted)."""

    def forget_all(self, cursor: CursorWrapper) -> None: ...

    def settle(self, cursor: CursorWrapper, *, emptied: bool = False) -> None:
        """Tidy up after writing many entries at once; ``emptied``: entries were deleted
        first (``forget_all`` of an index that held some)."""

    def expression(self, query: Query) -> str:
        """The query in the engine's own syntax: the one parameter of ``matching`` and
        ``score`` that depends on it."""

    def matching(self, query: Query) -> Q:
        """A condition on SearchEntry that holds for the entries matching the query."""

    def score(self, query: Query) -> Expression:
        """How well an entry matches: higher is better. Use with ``matching``."""

    @property
    def search_settings(self) -> Sequence[str]:
        """Statements setting up the transaction of a search statement (none: no transaction)."""


class _OnTable(Expression):
    """SQL written around the alias Django gives a table in the query, so that it stays right
    whatever joins the access check and the filters add."""

    def __init__(
        self, column: str, template: str, params: Sequence[Any] = (), *, output_field: Any
    ) -> None:
        super().__init__(output_field=output_field)
        self.column: Any = F(column)
        self.template = template
        self.params = list(params)

    def get_source_expressions(self) -> list[Any]:
        return [self.column]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        (self.column,) = exprs

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> _AsSqlType:
        alias = connection.ops.quote_name(self.column.alias)
        return self.template.format(table=alias), tuple(self.params)


class SQLiteEngine:
    vendor = "sqlite"
    vector_column = None
    search_settings = ()

    prepare = staticmethod(stemmed_pairs)

    def vector(self, title: str, text: str) -> str:
        raise NotImplementedError("The SQLite engine keeps its index in its own table.")

    def write(self, cursor: CursorWrapper, rows: Sequence[tuple[int, tuple[str, str]]]) -> None:
        cursor.executemany(
            f"INSERT INTO {FTS_TABLE} (rowid, title, text) VALUES (%s, %s, %s)",  # noqa: S608
            [(pk, title, text) for pk, (title, text) in rows],
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
        # Statistics let the planner read the narrow filter index instead of the wide rows.
        cursor.execute("ANALYZE search_searchentry")

    @staticmethod
    def expression(query: Query) -> str:
        """The FTS5 query: every clause a quoted string, so nothing typed is an operator."""
        return " AND ".join(_fts5_clause(clause) for clause in query.clauses)

    def matching(self, query: Query) -> Q:
        return Q(text_index__search_fts__match=self.expression(query))

    def score(self, query: Query) -> Expression:
        # bm25 is lower for a better match; FTS5 computes it for the row the MATCH is on.
        return _OnTable(
            "text_index__search_fts",
            f"-bm25({{table}}, {TITLE_WEIGHT}, 1.0)",
            output_field=FloatField(),
        )


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
    search_settings = (
        "SET LOCAL parallel_setup_cost = 100",
        "SET LOCAL parallel_tuple_cost = 0.01",
    )

    prepare = staticmethod(folded_pairs)  # PostgreSQL stems; Python only folds

    def vector(self, title: str, text: str) -> str:
        return (
            f"setweight(to_tsvector('dutch'::regconfig, {title}), 'A') || "
            f"setweight(to_tsvector('dutch'::regconfig, {text}), 'B')"
        )

    def write(self, cursor: CursorWrapper, rows: Sequence[tuple[int, tuple[str, str]]]) -> None:
        pass  # the vector was written with the row

    def forget(self, cursor: CursorWrapper, ids: Sequence[int]) -> None:
        pass  # the vector goes with the row

    def forget_all(self, cursor: CursorWrapper) -> None:
        pass

    def settle(self, cursor: CursorWrapper, *, emptied: bool = False) -> None:
        # Fresh statistics, so the planner knows how common each word now is.
        cursor.execute("ANALYZE search_searchentry")

    @staticmethod
    def expression(query: Query) -> str:
        """The to_tsquery text: PostgreSQL stems the words and counts the stop words'
        places in a phrase itself."""
        return " & ".join(_tsquery_clause(clause) for clause in query.clauses)

    def matching(self, query: Query) -> Q:
        return Q(
            _OnTable(
                "pk",
                f"{{table}}.{VECTOR_COLUMN} @@ to_tsquery('dutch'::regconfig, %s)",
                [self.expression(query)],
                output_field=BooleanField(),
            )
        )

    def score(self, query: Query) -> Expression:
        # Normalisation 1 divides by the log of the length, so long texts do not win by size.
        # ts_rank (how often, and where: title or text) rather than ts_rank_cd (also how close
        # together): for a common word it is ranked for most of the index, and ts_rank reads
        # each vector in about half the time.
        return _OnTable(
            "pk",
            f"ts_rank({{table}}.{VECTOR_COLUMN}, to_tsquery('dutch'::regconfig, %s), 1)",
            [self.expression(query)],
            output_field=FloatField(),
        )


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
