"""Writing entries: the row, its bodies and people, and the engine's index, in the caller's
transaction, in batches of multi-row statements."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from functools import cache
from itertools import chain, islice
from operator import attrgetter
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper

from koepel.core import caching
from koepel.search import engines, kinds, scopes, terms, wordcounts
from koepel.search.entry import Entry
from koepel.search.models import SearchEntry

BATCH = 500
# A write of at most this many entries tells the words it changed (``_stored``): reading the
# entries as stored costs less than the searches it keeps, and the counts of common words
# kept (``wordcounts``) stay; a larger write forgets them.
SCOPED_AT_MOST = 50
# ... and gives new tokens to at most this many scopes of words; more, and it is wide.
SCOPES_AT_MOST = 1000
# Entries read ahead and written by one ``COPY`` when loading (``_load``).
LOAD_CHUNK = 5000
_COLUMNS = ("key", "kind", "title", "text", "url", "trail", "year", "visibility")
# An entry's values for the columns after the key and kind, in their order.
_entry_values = attrgetter(*_COLUMNS[2:])


_Cleaned = tuple[str, str, Entry]  # key, kind, entry
_Prepared = tuple[str, str, Entry, tuple[str, ...]]  # and what the engine stores of it


def _kind(key: str, entry: Entry) -> str:
    """The entry's kind: the one registered for its record's model, or the one it names."""
    registered = kinds.for_key(key)
    kind = entry.kind or (registered.code if registered is not None else "")
    if kinds.get(kind) is None:
        raise ValueError(f"Unknown kind of search entry: {kind!r} ({key}).")
    if registered is not None and kind != registered.code:
        raise ValueError(f"{key} is of the kind {registered.code!r}, not {kind!r}.")
    return kind


def _clean(items: Sequence[tuple[str, Entry]]) -> list[_Cleaned]:
    latest = dict(items)  # a key given twice: the last one counts
    cleaned = []
    for key, entry in latest.items():
        entry.check()
        kind = _kind(key, entry)
        # PostgreSQL text cannot hold NUL characters; an extracted PDF sometimes has them.
        if "\x00" in entry.text or "\x00" in entry.title or "\x00" in entry.trail:
            entry = replace(
                entry,
                title=entry.title.replace("\x00", ""),
                text=entry.text.replace("\x00", ""),
                trail=entry.trail.replace("\x00", ""),
            )
        cleaned.append((key, kind, entry))
    return cleaned


def _prepare(engine: engines.Engine, batch: list[tuple[str, Entry]]) -> list[_Prepared]:
    """Check a batch and compute its text as the engine indexes it."""
    return [
        (key, kind, entry, engine.prepare(entry.title, entry.text, _terms(kind, entry)))
        for key, kind, entry in _clean(batch)
    ]


def _terms(kind: str, entry: Entry) -> list[str]:
    return terms.of_entry(
        kind, entry.visibility, entry.bodies, entry.people, entry.year, entry.guests
    )


def write(items: Iterable[tuple[str, Entry]], *, fresh: bool = False) -> int:
    """Insert or replace entries by key; ``fresh`` when the index was emptied first.

    More than one batch into an empty index (a rebuild, a first import) is loaded: on
    PostgreSQL by ``COPY``, with the text index built once at the end (``_loading``)."""
    engine = engines.current()
    written = 0
    batches = _batches(items)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        ahead = list(islice(batches, 2))
        if len(ahead) > 1 and _loading(cursor, engine, fresh=fresh):
            written = _load(cursor, engine, chain.from_iterable(chain(ahead, batches)))
            engine.restore_index(cursor)
        else:
            for batch in chain(ahead, batches):
                written += _write(engine, _prepare(engine, batch), fresh=fresh)
    return written


def _loading(cursor: CursorWrapper, engine: engines.Engine, *, fresh: bool) -> bool:
    """Whether to load a large write (into an empty index: there is nothing to replace, and
    no search finds anything yet), with the engine's text index set aside until the end.

    Setting the index aside locks the table until the transaction ends, so on PostgreSQL a
    search or a save of a record waits for the load to commit (or roll back) instead of
    seeing the index as it was; with an empty index that is nothing to miss, and a rebuild
    (``fresh``) is rare and announced (``koepel reindex``)."""
    if engine.vendor != "postgresql":
        return False
    if not fresh:
        if not _empty(cursor):
            return False
        # Lock before looking again: another write may have filled the index meanwhile.
        _lock(cursor)
        if not _empty(cursor):
            return False
    return engine.set_index_aside(cursor)


def _empty(cursor: CursorWrapper) -> bool:
    cursor.execute(f"SELECT NOT EXISTS (SELECT FROM {SearchEntry._meta.db_table})")  # noqa: S608
    (empty,) = cursor.fetchone()
    return bool(empty)


def _lock(cursor: CursorWrapper) -> None:
    """PostgreSQL: lock the entries against every other reader and writer until the
    transaction ends, before anything is written: a save that had to wait for rows this
    transaction changed while this one waited for its lock would be a deadlock."""
    cursor.execute(f"LOCK TABLE {SearchEntry._meta.db_table} IN ACCESS EXCLUSIVE MODE")


def _load(cursor: CursorWrapper, engine: engines.Engine, items: Iterable[tuple[str, Entry]]) -> int:
    """PostgreSQL: entries into an empty index by ``COPY``, with ids taken from the table's
    sequence, then their bodies and people; a key that comes again later is written over
    afterwards, as ``_write`` writes.

    ``COPY`` reads each value as text in the server's own parser (the statements of
    ``_write`` have the client quote every value into arrays to be unnested), and starts on
    the rows as they come: each entry's vector is built while the server stores the ones
    before it, so the two work side by side. The records are read (``items``) a chunk at a
    time between the copies, as the connection serves one statement at a time."""
    table = SearchEntry._meta.db_table
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ("id", *_COLUMNS, engine.vector_column or ""))
    caching.bump("search")
    wordcounts.forget(cursor)  # not said entry by entry
    loaded: set[str] = set()
    again: list[tuple[str, Entry]] = []
    written = 0
    iterator = iter(items)
    while chunk := list(islice(iterator, LOAD_CHUNK)):
        new = []
        for key, kind, entry in _clean(chunk):
            if key in loaded:
                again.append((key, entry))
            else:
                loaded.add(key)
                new.append((key, kind, entry))
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(new)],
        )
        ids = [pk for (pk,) in cursor.fetchall()]
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, (key, kind, entry) in zip(ids, new, strict=True):
                stored = engine.prepare(entry.title, entry.text, _terms(kind, entry))
                copy.write_row((pk, key, kind, *_entry_values(entry), *stored))
        _insert_relations(cursor, [(pk, entry) for pk, (_, _, entry) in zip(ids, new, strict=True)])
        written += len(new)
    for batch in _batches(again):
        written += _write(engine, _prepare(engine, batch), fresh=False)
    return written


def _batches(items: Iterable[tuple[str, Entry]]) -> Iterator[list[tuple[str, Entry]]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


def _write(engine: engines.Engine, prepared: list[_Prepared], *, fresh: bool) -> int:
    postgresql = connection.vendor == "postgresql"
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        changed = None
        # The entries as they were (fresh: none of them was there).
        stored: dict[str, _Stored] | None = {}
        if not fresh:
            # The index's token first: on PostgreSQL its row is locked until the commit, so
            # that two writers of one entry read it one after the other (a row that is not
            # there yet cannot be locked), and every writer takes its locks in one order.
            caching.bump(scopes.KIND, within=())
            stored = _stored(cursor, prepared)
            changed = _scopes_of(stored, prepared)
        # PostgreSQL: the links of every entry written go (below), so the ids there were are
        # not asked for.
        existing = (
            {} if fresh or postgresql else _ids_of(cursor, [key for key, _, _, _ in prepared])
        )
        ids = _upsert(cursor, engine, prepared, existing)
        _recount(
            cursor,
            engine,
            None
            if stored is None
            else [(s.kind, s.title, s.text, s.visibility) for s in stored.values()],
            [(kind, entry.title, entry.text, entry.visibility) for _, kind, entry, _ in prepared],
        )
        replaced = list(existing.values())
        if not fresh and postgresql:
            # Another transaction may have written one of the keys since this one began
            # (SQLite's write lock rules that out): its bodies and people must not stay
            # beside the new ones, so the links of every entry written go.
            replaced = list(ids.values())
        if replaced:
            _delete_relations(cursor, replaced)
            engine.forget(cursor, replaced)
        # Written in SQL, past the signals that give the data a new version: the index as a
        # whole, and the words that changed (the counts of a search for other words stay).
        caching.bump(scopes.KIND, within=changed)
        _insert_relations(cursor, [(ids[key], entry) for key, _, entry, _ in prepared])
        engine.write(cursor, [(ids[key], stored) for key, _, _, stored in prepared])
    return len(prepared)


def _ids_of(cursor: CursorWrapper, keys: Sequence[str]) -> dict[str, int]:
    """The ids of the entries with these keys, by key."""
    placeholders = ", ".join(["%s"] * len(keys))
    quote = connection.ops.quote_name
    cursor.execute(
        f"SELECT {quote('key')}, {quote('id')} FROM {SearchEntry._meta.db_table} "  # noqa: S608
        f"WHERE {quote('key')} IN ({placeholders})",
        keys,
    )
    return dict(cursor.fetchall())


def _upsert(
    cursor: CursorWrapper,
    engine: engines.Engine,
    prepared: Sequence[_Prepared],
    existing: dict[str, int],
) -> dict[str, int]:
    """Insert or update the rows by key (``existing``: the ids of those there already);
    returns their ids by key."""
    rows = [(key, kind, *_entry_values(entry), *stored) for key, kind, entry, stored in prepared]
    if connection.vendor == "postgresql":
        return _upsert_postgresql(cursor, engine, rows)
    if engine.vector_column:
        raise NotImplementedError("A vector column is written on PostgreSQL only.")
    return _upsert_sqlite(cursor, [row[: len(_COLUMNS)] for row in rows], existing)


def _upsert_statement(columns: Sequence[str], source: str) -> str:
    quote = connection.ops.quote_name
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns[1:])
    return (
        f"INSERT INTO {SearchEntry._meta.db_table} ({', '.join(columns)}) {source} "
        f"ON CONFLICT ({quote('key')}) DO UPDATE SET {updates}"
    )


def _upsert_postgresql(
    cursor: CursorWrapper, engine: engines.Engine, rows: Sequence[Sequence[Any]]
) -> dict[str, int]:
    quote = connection.ops.quote_name
    columns = [quote(name) for name in _COLUMNS]
    source, params = _unnest(rows, ["varchar", *["text"] * 5, "smallint", "text", "text"])
    values = [f"c{number}" for number in range(len(_COLUMNS))]
    if engine.vector_column:
        # Built in Python (``engines.PostgresEngine.prepare``): the server only reads it.
        columns.append(engine.vector_column)
        values.append(engine.vector(f"c{len(_COLUMNS)}"))
    source = f"SELECT {', '.join(values)} FROM {source}"  # noqa: S608 (our names)
    cursor.execute(
        f"{_upsert_statement(columns, source)} RETURNING {quote('id')}, {quote('key')}", params
    )
    return {key: pk for pk, key in cursor.fetchall()}


def _upsert_sqlite(
    cursor: CursorWrapper, rows: Sequence[Sequence[Any]], existing: dict[str, int]
) -> dict[str, int]:
    """One row per statement, then the new ids in one query. A statement that writes several
    rows makes SQLite open a statement journal, and with it a savepoint in every virtual table
    of the transaction: FTS5 then writes out the words it was gathering in memory
    (``hashsize``, migration 0003), so a large write became hundreds of small index segments
    to merge: the rows took twice as long to write (2.1 against 1.0 s for 100,000 sections).
    New rows are inserted without the conflict clause, which SQLite would test for each."""
    quote = connection.ops.quote_name
    columns = [quote(name) for name in _COLUMNS]
    values = f"VALUES ({', '.join(['%s'] * len(_COLUMNS))})"
    new = [row for row in rows if row[0] not in existing]
    if len(new) < len(rows):
        cursor.executemany(
            _upsert_statement(columns, values), [row for row in rows if row[0] in existing]
        )
    ids = dict(existing)
    if new:
        table = SearchEntry._meta.db_table
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) {values}", new)
        cursor.execute(
            f"SELECT {quote('key')}, {quote('id')} FROM {table} "  # noqa: S608
            f"WHERE {quote('key')} IN ({', '.join(['%s'] * len(new))})",
            [row[0] for row in new],
        )
        ids.update(cursor.fetchall())
    return ids


def _unnest(rows: Sequence[Sequence[Any]], types: Sequence[str]) -> tuple[str, list[list[Any]]]:
    """PostgreSQL: the rows as one array per column, unnested side by side into columns
    ``c0``, ``c1``, …: one short statement with a parameter per column, which the server
    parses once, instead of one with a parameter per value."""
    arrays = [f"%s::{kind}[]" for kind in types]
    names = ", ".join(f"c{number}" for number in range(len(types)))
    columns = [list(column) for column in zip(*rows, strict=True)] or [[] for _ in types]
    return f"unnest({', '.join(arrays)}) AS incoming({names})", columns


@cache
def _relations() -> list[tuple[str, str, str, str]]:
    """(through table, entry column, other column, Entry attribute) per relation."""
    found = []
    for name in ("bodies", "people", "guests"):
        through = getattr(SearchEntry, name).through
        entry_column = through._meta.get_field("searchentry").column
        other = next(
            field.column
            for field in through._meta.concrete_fields
            if field.column not in {"id", entry_column}
        )
        found.append((through._meta.db_table, entry_column, other, name))
    return found


def _related(cursor: CursorWrapper, ids: Sequence[int]) -> dict[str, dict[int, list[int]]]:
    """The bodies, people and guests of these entries, as stored: by attribute and entry."""
    related: dict[str, dict[int, list[int]]] = {}
    placeholders = ", ".join(["%s"] * len(ids))
    for through, own, other, attribute in _relations():
        found: dict[int, list[int]] = {}
        if ids:
            cursor.execute(
                f"SELECT {own}, {other} FROM {through} WHERE {own} IN ({placeholders})",  # noqa: S608
                list(ids),
            )
            for pk, other_id in cursor.fetchall():
                found.setdefault(pk, []).append(other_id)
        related[attribute] = found
    return related


def _stored_terms(
    related: dict[str, dict[int, list[int]]], pk: int, kind: str, visibility: str, year: int | None
) -> list[str]:
    """An entry's terms, from its row and its bodies, people and guests as stored."""
    return terms.of_entry(
        kind,
        visibility,
        related["bodies"].get(pk, []),
        related["people"].get(pk, []),
        year,
        related["guests"].get(pk, []),
    )


class _Stored(NamedTuple):
    """An entry as stored before a write."""

    kind: str
    title: str
    text: str
    visibility: str
    terms: list[str]


def _stored(cursor: CursorWrapper, prepared: Sequence[_Prepared]) -> dict[str, _Stored] | None:
    """The entries of a write of a few, as stored before it, by key; None for a larger
    write, which does not read them."""
    if len(prepared) > SCOPED_AT_MOST:
        return None
    quote = connection.ops.quote_name
    keys = [key for key, _, _, _ in prepared]
    # PostgreSQL: locked, so that a writer of the same entry that commits meanwhile is waited
    # for and its words are read (SQLite's writers take the database's lock at their start).
    lock = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    placeholders = ", ".join(["%s"] * len(keys))
    cursor.execute(
        f"SELECT {quote('id')}, {quote('key')}, kind, title, {quote('text')}, visibility, year "  # noqa: S608
        f"FROM {SearchEntry._meta.db_table} WHERE {quote('key')} IN ({placeholders}){lock}",
        keys,
    )
    rows = cursor.fetchall()
    related = _related(cursor, [row[0] for row in rows])
    return {
        key: _Stored(
            kind, title, text, visibility, _stored_terms(related, pk, kind, visibility, year)
        )
        for pk, key, kind, title, text, visibility, year in rows
    }


def _scopes_of(stored: dict[str, _Stored] | None, prepared: Sequence[_Prepared]) -> set[str] | None:
    """The scopes of the words a write of a few entries changes (``scopes.of_change``),
    from the entries as stored and as written; None for a larger write, which is wide."""
    if stored is None:
        return None
    found: set[str] = set()
    for key, kind, entry, _ in prepared:
        before = stored.get(key)
        after = (scopes.forms(entry.title, entry.text), _terms(kind, entry))
        found |= scopes.of_change(
            None if before is None else (scopes.forms(before.title, before.text), before.terms),
            after,
        )
    # A long text touches most scopes: one token for all costs less than one for each.
    return found if len(found) <= SCOPES_AT_MOST else None


_Counted = tuple[str, str, str, str]  # an entry as the kept counts see it: kind, title, text, level


def _recount(
    cursor: CursorWrapper,
    engine: engines.Engine,
    gone: Sequence[_Counted] | None,
    came: Sequence[_Counted] = (),
) -> None:
    """Change the counts of the common words kept (``wordcounts``) by the entries a write
    took away (``gone``, as they were stored; None: not known) and wrote (``came``); asked
    after the entries are written, as ``wordcounts.counted`` says."""
    words = wordcounts.counted(cursor)
    if not words:
        return
    if gone is None:
        wordcounts.forget(cursor)
        return
    change = wordcounts.Change()
    for sign, entries in ((-1, gone), (1, came)):
        for kind, title, text, visibility in entries:
            held = wordcounts.held(engine.forms(title, text), words)
            wordcounts.entry_change(change, held, kind, visibility, sign)
    wordcounts.change(cursor, change)


def _delete_relations(cursor: CursorWrapper, ids: Sequence[int]) -> None:
    params: list[Any]
    if connection.vendor == "postgresql":
        # One array, whatever the count: the client quotes one value instead of hundreds.
        condition, params = "= ANY(%s::bigint[])", [list(ids)]
    else:
        condition, params = f"IN ({', '.join(['%s'] * len(ids))})", list(ids)
    for table, entry_column, _, _ in _relations():
        cursor.execute(f"DELETE FROM {table} WHERE {entry_column} {condition}", params)  # noqa: S608


def _insert_relations(cursor: CursorWrapper, written: Sequence[tuple[int, Entry]]) -> None:
    for table, entry_column, other, attribute in _relations():
        rows = [
            (pk, related) for pk, entry in written for related in set(getattr(entry, attribute))
        ]
        if not rows:
            continue
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({entry_column}, {other}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO {table} ({entry_column}, {other}) VALUES (%s, %s)",  # noqa: S608
                rows,
            )


def delete_keys(keys: Sequence[str]) -> None:
    """Take the entries with these keys out of the index."""
    engine = engines.current()
    with transaction.atomic(savepoint=False):
        for start in range(0, len(keys), BATCH):
            chunk = keys[start : start + BATCH]
            ids = list(SearchEntry.objects.filter(key__in=chunk).values_list("pk", flat=True))
            if not ids:
                continue
            with connection.cursor() as cursor:
                _delete_relations(cursor, ids)
                engine.forget(cursor, ids)
            gone = SearchEntry.objects.filter(pk__in=ids)
            fields = ("kind", "title", "text", "visibility")
            # PostgreSQL: locked, so that a write of one of them meanwhile is waited for.
            few = len(ids) <= SCOPED_AT_MOST
            before = list(gone.select_for_update().values_list(*fields)) if few else None
            gone.delete()
            with connection.cursor() as cursor:
                _recount(cursor, engine, before)


def delete_all() -> bool:
    """Empty the index (``rebuild`` fills it again in the same transaction); whether it held
    anything."""
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _lock(cursor)  # a rebuild then sets the text index aside (``write``)
        for table, _, _, _ in _relations():
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (names from the models)
        cursor.execute(f"DELETE FROM {SearchEntry._meta.db_table}")  # noqa: S608
        held: bool = cursor.rowcount > 0
        engines.current().forget_all(cursor)
        wordcounts.forget(cursor)
        caching.bump("search")  # kept search results must not outlive an emptied index
    return held


def settle(*, emptied: bool = False) -> None:
    """Tidy up the engine's index after a large write; ``emptied``: entries were deleted
    from it first."""
    with connection.cursor() as cursor:
        engines.current().settle(cursor, emptied=emptied)


def rewrite_index() -> int:
    """Write the engine's index of every entry again from the entry's own row, bodies and
    people, without reading the records it came from: for a migration that changes what the
    index holds (``koepel reindex`` rebuilds from the records). Returns how many."""
    engine = engines.current()
    table = SearchEntry._meta.db_table
    quote = connection.ops.quote_name
    written = 0
    last = 0
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        while True:
            cursor.execute(
                f"SELECT {quote('id')}, kind, title, {quote('text')}, visibility, year "  # noqa: S608
                f"FROM {table} WHERE {quote('id')} > %s ORDER BY {quote('id')} LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            last = rows[-1][0]
            ids = [row[0] for row in rows]
            related = _related(cursor, ids)
            stored = [
                (
                    pk,
                    engine.prepare(title, text, _stored_terms(related, pk, kind, visibility, year)),
                )
                for pk, kind, title, text, visibility, year in rows
            ]
            if engine.vector_column:
                source, params = _unnest(
                    [(pk, *values) for pk, values in stored], ["bigint", "text"]
                )
                cursor.execute(
                    f"UPDATE {table} SET {engine.vector_column} = "  # noqa: S608
                    f"{engine.vector('c1')} "
                    f"FROM {source} WHERE {table}.{quote('id')} = c0",
                    params,
                )
            else:
                engine.forget(cursor, ids)
                engine.write(cursor, stored)
            written += len(rows)
        wordcounts.forget(cursor)  # the engine may hold other words of them now
    settle(emptied=True)
    return written
