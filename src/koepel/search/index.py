"""The search index: what each app puts in, kept in step with every write.

An app registers its models from its ``search_index`` module (imported in ``ready()``):
``register(Model, to_entry, queryset)``. Its services call ``update(obj)`` after a save and
``remove(obj)`` before a delete, inside their own transaction, so a change is found at once and
a rolled-back change is never found. ``rebuild()`` (``koepel reindex``) starts from scratch.

Each entry carries the visibility, bodies and named people of its record, so that search
results go through the one access check (``accounts.access.visible``) like any other read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, router, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Model, QuerySet
from django.db.models.deletion import Collector
from django.utils import translation

from koepel.core.visibility import Visibility
from koepel.search import engines
from koepel.search.models import SearchEntry

KINDS = (
    "gemeente",
    "organisatie",
    "persoon",
    "gremium",
    "bijeenkomst",
    "lobbydossier",
    "lobbyactie",
    "mijlpaal",
    "document",
    "sectie",
)
# The index is Dutch whatever the language of the request that changed a record: labels in
# the text (an organisation's kind, say) are stemmed by the Dutch stemmer.
INDEX_LANGUAGE = "nl"
_BATCH = 500


@dataclass(frozen=True)
class Entry:
    """One record as the search box finds it."""

    kind: str
    title: str
    text: str
    url: str
    visibility: str = Visibility.PUBLIC
    bodies: tuple[int, ...] = ()  # Body pks the record belongs to (for "body" visibility)
    people: tuple[int, ...] = ()  # Person pks named on it (for "restricted")
    trail: str = ""  # where it sits: "Jaarverslag 2021 › Pijler Fysiek › Thema Woningmarkt"
    year: int | None = None


@dataclass(frozen=True)
class _Registration:
    to_entry: Callable[[Any], Entry | None]
    queryset: Callable[[], QuerySet[Any]] | None


_registry: dict[type[Model], _Registration] = {}


def register(
    model: type[Model],
    to_entry: Callable[[Any], Entry | None],
    queryset: Callable[[], QuerySet[Any]] | None = None,
) -> None:
    """Put ``model``'s records in the index. ``to_entry`` returns None for a record that must
    not be found; ``queryset()`` (default: all records) feeds ``rebuild()``."""
    _registry[model._meta.concrete_model or model] = _Registration(to_entry, queryset)


def key_for(obj: Model) -> str:
    """The entry's key: ``app_label.model:pk``."""
    model = obj._meta.concrete_model or type(obj)
    return f"{model._meta.label_lower}:{obj.pk}"


def _registration(obj: Model) -> _Registration:
    model = obj._meta.concrete_model or type(obj)
    try:
        return _registry[model]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not registered with the search index.") from None


def _records(model: type[Model], registration: _Registration) -> QuerySet[Any]:
    if registration.queryset is not None:
        return registration.queryset()
    return model._default_manager.all()


def update(obj: Model) -> None:
    """(Re)index one record now, inside the current transaction."""
    if obj.pk is None:
        raise ValueError("Save the record before indexing it.")
    registration = _registration(obj)
    # Read the record afresh: the caller's instance may hold relations prefetched before the
    # change (an invitation added, a body removed), and who may see it depends on them.
    fresh = _records(type(obj), registration).filter(pk=obj.pk).first()
    entry = None
    if fresh is not None:
        with translation.override(INDEX_LANGUAGE):
            entry = registration.to_entry(fresh)
    if entry is None:
        _delete_keys([key_for(obj)])
    else:
        _write([(key_for(obj), entry)])


def remove(obj: Model) -> None:
    """Take a record out of the index, with every indexed record its deletion takes along
    (a meeting's sessions, a document's sections). Call it before deleting the record."""
    if obj.pk is None:
        raise ValueError("Remove the record from the index before deleting it.")
    _delete_keys(list(_keys_deleted_with(obj)))


def _keys_deleted_with(obj: Model) -> Iterator[str]:
    collector = Collector(using=router.db_for_write(type(obj), instance=obj), origin=obj)
    collector.collect([obj])
    for model, instances in collector.data.items():
        if model in _registry:
            yield from (key_for(instance) for instance in instances)
    for queryset in collector.fast_deletes:
        if queryset.model in _registry:
            label = queryset.model._meta.label_lower
            yield from (f"{label}:{pk}" for pk in queryset.values_list("pk", flat=True))


def bulk_put(items: Iterable[tuple[str, Entry]]) -> int:
    """Write many entries at once (key: ``app_label.model:pk``); returns how many."""
    written = 0
    batch: list[tuple[str, Entry]] = []
    for item in items:
        batch.append(item)
        if len(batch) == _BATCH:
            written += _write(batch)
            batch = []
    return written + (_write(batch) if batch else 0)


def rebuild() -> int:
    """Empty the index and fill it again from every registered model; returns the count."""
    engine = engines.current()
    written = 0
    with translation.override(INDEX_LANGUAGE), transaction.atomic():
        with connection.cursor() as cursor:
            for table in _tables():
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608 (names from the models)
            engine.forget_all(cursor)
        for model, registration in _registry.items():
            batch: list[tuple[str, Entry]] = []
            for obj in _records(model, registration).iterator(chunk_size=_BATCH):
                entry = registration.to_entry(obj)
                if entry is not None:
                    batch.append((key_for(obj), entry))
                if len(batch) == _BATCH:
                    written += _write(batch, fresh=True)
                    batch = []
            if batch:
                written += _write(batch, fresh=True)
        with connection.cursor() as cursor:
            engine.settle(cursor)
    return written


def _tables() -> list[str]:
    return [
        SearchEntry.bodies.through._meta.db_table,
        SearchEntry.people.through._meta.db_table,
        SearchEntry._meta.db_table,
    ]


def _check(entry: Entry) -> None:
    if entry.kind not in KINDS:
        raise ValueError(f"Unknown kind of search entry: {entry.kind!r}.")
    if entry.visibility not in Visibility.values:
        raise ValueError(f"Unknown visibility: {entry.visibility!r}.")


_COLUMNS = ("key", "kind", "title", "text", "url", "trail", "year", "visibility")


def _row(key: str, entry: Entry) -> list[Any]:
    # PostgreSQL text cannot hold NUL characters; an extracted PDF sometimes has them.
    return [
        key,
        entry.kind,
        entry.title.replace("\x00", ""),
        entry.text.replace("\x00", ""),
        entry.url,
        entry.trail.replace("\x00", ""),
        entry.year,
        entry.visibility,
    ]


def _write(items: Sequence[tuple[str, Entry]], *, fresh: bool = False) -> int:
    """Insert or replace entries by key: row, bodies, people and the engine's index."""
    latest = dict(items)  # a key given twice: the last one counts
    for entry in latest.values():
        _check(entry)
    engine = engines.current()
    keys = list(latest)
    with transaction.atomic(savepoint=False), connection.cursor() as cursor:
        for start in range(0, len(keys), _BATCH):
            chunk = [(key, latest[key]) for key in keys[start : start + _BATCH]]
            replaced = (
                []
                if fresh
                else list(
                    SearchEntry.objects.filter(key__in=[key for key, _ in chunk]).values_list(
                        "pk", flat=True
                    )
                )
            )
            ids = _upsert(cursor, engine, chunk)
            if replaced:
                _delete_relations(cursor, replaced)
                engine.forget(cursor, replaced)
            _insert_relations(cursor, [(ids[key], entry) for key, entry in chunk])
            engine.write(cursor, [(ids[key], entry.title, entry.text) for key, entry in chunk])
    return len(latest)


def _upsert(
    cursor: CursorWrapper, engine: engines.Engine, chunk: Sequence[tuple[str, Entry]]
) -> dict[str, int]:
    quote = connection.ops.quote_name
    columns = [quote(name) for name in _COLUMNS]
    values: list[str] = []
    params: list[Any] = []
    for key, entry in chunk:
        placeholders = ["%s"] * len(_COLUMNS)
        params.extend(_row(key, entry))
        if engine.vector_column:
            sql, vector_params = engine.row_vector(entry.title, entry.text)
            placeholders.append(sql)
            params.extend(vector_params)
        values.append(f"({', '.join(placeholders)})")
    if engine.vector_column:
        columns.append(engine.vector_column)
    updates = ", ".join(f"{column} = excluded.{column}" for column in columns[1:])
    cursor.execute(
        f"INSERT INTO {SearchEntry._meta.db_table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES {', '.join(values)} "
        f"ON CONFLICT ({quote('key')}) DO UPDATE SET {updates} "
        f"RETURNING {quote('id')}, {quote('key')}",
        params,
    )
    return {key: pk for pk, key in cursor.fetchall()}


def _relations() -> list[tuple[str, str, str, str]]:
    """(through table, entry column, other column, Entry attribute) per relation."""
    found = []
    for name in ("bodies", "people"):
        through = getattr(SearchEntry, name).through
        entry_column = through._meta.get_field("searchentry").column
        other = next(
            field.column
            for field in through._meta.concrete_fields
            if field.column not in {"id", entry_column}
        )
        found.append((through._meta.db_table, entry_column, other, name))
    return found


def _delete_relations(cursor: CursorWrapper, ids: Sequence[int]) -> None:
    placeholders = ", ".join(["%s"] * len(ids))
    for table, entry_column, _, _ in _relations():
        cursor.execute(f"DELETE FROM {table} WHERE {entry_column} IN ({placeholders})", ids)  # noqa: S608


def _insert_relations(cursor: CursorWrapper, written: Sequence[tuple[int, Entry]]) -> None:
    for table, entry_column, other, attribute in _relations():
        rows = [
            (pk, related) for pk, entry in written for related in set(getattr(entry, attribute))
        ]
        if rows:
            cursor.executemany(
                f"INSERT INTO {table} ({entry_column}, {other}) VALUES (%s, %s)",  # noqa: S608
                rows,
            )


def _delete_keys(keys: Sequence[str]) -> None:
    if not keys:
        return
    engine = engines.current()
    with transaction.atomic(savepoint=False):
        for start in range(0, len(keys), _BATCH):
            chunk = keys[start : start + _BATCH]
            ids = list(SearchEntry.objects.filter(key__in=chunk).values_list("pk", flat=True))
            if not ids:
                continue
            with connection.cursor() as cursor:
                _delete_relations(cursor, ids)
                engine.forget(cursor, ids)
            SearchEntry.objects.filter(pk__in=ids).delete()
