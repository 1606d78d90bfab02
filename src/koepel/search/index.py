"""The search index: what each app puts in, kept in step with every write.

An app registers each kind of record in its ``ready()`` (``kinds.register``, also
``koepel.search.register``). Its services call ``update(obj)`` after a save and
``remove(obj)`` before a delete, inside their own transaction, so a change is found at once and
a rolled-back change is never found. ``rebuild()`` (``koepel reindex``) starts from scratch.

Each entry carries the visibility, bodies and named people of its record, so that search
results go through the one access check (handed to search, see ``access``) like any other read.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.apps import apps
from django.db import router, transaction
from django.db.models import Model, Prefetch, QuerySet
from django.db.models.deletion import Collector
from django.utils import translation

from koepel.search import kinds, writing
from koepel.search.entry import Entry
from koepel.search.kinds import SearchKind

# The index is Dutch whatever the language of the request that changed a record: labels in
# the text (an organisation's kind, say) are stemmed by the Dutch stemmer.
INDEX_LANGUAGE = "nl"
# Records read at a time by ``rebuild()``, each time with one query per prefetched relation.
READ_BATCH = 2000
__all__ = [
    "Entry",
    "bulk_put",
    "display",
    "later",
    "prefetch",
    "prefetched",
    "rebuild",
    "registered",
    "remove",
    "remove_records",
    "update",
    "update_many",
]


def display(obj: Model, field_name: str) -> str:
    """``obj.get_<field_name>_display()`` in the language of the index, with the labels of the
    field's choices translated once rather than once per record (which is what Django does)."""
    field = obj._meta.get_field(field_name)
    value = getattr(obj, field_name)
    if value is None:
        return ""
    return _labels(field, translation.get_language()).get(value, str(value))


@functools.cache
def _labels(field: Any, language: str | None) -> dict[Any, str]:
    return {value: str(label) for value, label in field.flatchoices}


def registered() -> list[type[Model]]:
    """The models whose records are in the index."""
    return [kind.model for kind in kinds.registered()]


def prefetch(relation: str, queryset: QuerySet[Any] | None = None) -> Prefetch[Any, Any, Any]:
    """A relation for a registration's queryset, read in ``to_entry`` with ``prefetched``.

    Kept in a plain list rather than the relation's own cache: Django builds a manager and a
    queryset for each record to fill that cache, which costs more than the entry itself."""
    return Prefetch(relation, queryset=queryset, to_attr=f"_indexed_{relation}")


def prefetched(obj: Model, relation: str) -> list[Any]:
    """The related records ``prefetch(relation)`` read for ``obj``."""
    try:
        related: list[Any] = getattr(obj, f"_indexed_{relation}")
    except AttributeError:
        raise LookupError(
            f"{type(obj).__name__}.{relation} was not read with index.prefetch()."
        ) from None
    return related


def key_for(obj: Model) -> str:
    """The entry's key: ``app_label.model:pk``."""
    model = obj._meta.concrete_model or type(obj)
    return f"{model._meta.label_lower}:{obj.pk}"


def _kind(obj: Model) -> SearchKind:
    return _kind_of(type(obj))


def _kind_of(model: type[Model]) -> SearchKind:
    kind = kinds.for_model(model)
    if kind is None:
        label = (model._meta.concrete_model or model)._meta.label
        raise LookupError(f"{label} is not registered with the search index.")
    return kind


# The keys of the records to index at the end of ``later()``, in the order first asked.
_later: ContextVar[dict[str, None] | None] = ContextVar("index_later", default=None)


@contextmanager
def later() -> Iterator[None]:
    """Index the records that ``update`` is asked for inside at the end, many of a kind at
    once, as ``update_many`` does: for loading many records in one transaction (the demo),
    where indexing each record as it is saved costs a sixth of the load. Call it inside the
    transaction; the index is written before the block ends, and not at all when it fails."""
    if _later.get() is not None:  # inside another: that one writes
        yield
        return
    keys: dict[str, None] = {}
    token = _later.set(keys)
    try:
        yield
    finally:
        _later.reset(token)
    by_model: dict[str, list[str]] = {}
    for key in keys:
        label, _, pk = key.rpartition(":")
        by_model.setdefault(label, []).append(pk)
    for label, pks in by_model.items():
        model = apps.get_model(label)
        there = {
            str(pk) for pk in model._default_manager.filter(pk__in=pks).values_list("pk", flat=True)
        }
        update_many(model._default_manager.filter(pk__in=there))
        writing.delete_keys([f"{label}:{pk}" for pk in pks if pk not in there])


def update(obj: Model) -> None:
    """(Re)index one record now, inside the current transaction (inside ``later()``: at its
    end)."""
    if obj.pk is None:
        raise ValueError("Save the record before indexing it.")
    kind = _kind(obj)
    if (keys := _later.get()) is not None:
        keys[key_for(obj)] = None
        return
    # Read the record afresh: the caller's instance may hold relations prefetched before the
    # change (an invitation added, a body removed), and who may see it depends on them.
    fresh = kind.records().filter(pk=obj.pk).first()
    entry = None
    if fresh is not None:
        with translation.override(INDEX_LANGUAGE):
            entry = kind.to_entry(fresh)
    if entry is None:
        writing.delete_keys([key_for(obj)])
    else:
        writing.write([(key_for(obj), entry)])


def update_many(records: QuerySet[Any]) -> int:
    """(Re)index every record of ``records`` now, inside the current transaction, read afresh
    as ``update`` reads one, and written in batches: for many records of one kind at once (a
    document's sections). Returns how many entries were written."""
    kind = _kind_of(records.model)
    fresh = kind.records().filter(pk__in=records.values("pk"))
    unindexed: list[str] = []

    def entries() -> Iterator[tuple[str, Entry]]:
        with translation.override(INDEX_LANGUAGE):
            for record in fresh.iterator(chunk_size=READ_BATCH):
                entry = kind.to_entry(record)
                if entry is None:
                    unindexed.append(key_for(record))
                else:
                    yield key_for(record), entry

    written = writing.write(entries())
    if unindexed:
        writing.delete_keys(unindexed)
    return written


def refresh(obj: Model) -> None:
    """Update the entry of a record whose model is indexed; do nothing for other models.
    For faces that save many kinds of record, such as the admin."""
    if kinds.for_model(type(obj)) is not None and obj.pk is not None:
        update(obj)


def refresh_keys(keys: Iterable[str]) -> None:
    """Rebuild the entries with these keys from their records (a record gone: its entry too)."""
    for key in keys:
        label, _, pk = key.rpartition(":")
        model = apps.get_model(label)
        record = model._default_manager.filter(pk=pk).first()
        if record is None:
            writing.delete_keys([key])
        else:
            update(record)


def refresh_for_bodies(body_ids: Iterable[int]) -> None:
    """Rebuild every entry that belongs to these bodies: their names and visibility are copied
    into trails, so a renamed body or one that became restricted must not linger there."""
    from koepel.search.models import SearchEntry

    keys = SearchEntry.objects.filter(bodies__in=list(body_ids)).values_list("key", flat=True)
    refresh_keys(sorted(set(keys)))


def remove(obj: Model) -> None:
    """Take a record out of the index, with every indexed record its deletion takes along
    (a meeting's sessions, a document's sections). Call it before deleting the record."""
    if obj.pk is None:
        raise ValueError("Remove the record from the index before deleting it.")
    writing.delete_keys(list(_keys_deleted_with(obj)))


def remove_records(records: Iterable[Model]) -> None:
    """Take many records out of the index at once, for a delete in bulk that takes no other
    indexed record along (or only records in ``records``). Call it before deleting them."""
    writing.delete_keys([key_for(record) for record in records])


def _keys_deleted_with(obj: Model) -> Iterator[str]:
    collector = Collector(using=router.db_for_write(type(obj), instance=obj), origin=obj)
    collector.collect([obj])
    for model, instances in collector.data.items():
        if kinds.for_model(model) is not None:
            yield from (key_for(instance) for instance in instances)
    for queryset in collector.fast_deletes:
        if kinds.for_model(queryset.model) is not None:
            label = queryset.model._meta.label_lower
            yield from (f"{label}:{pk}" for pk in queryset.values_list("pk", flat=True))


def bulk_put(items: Iterable[tuple[str, Entry]]) -> int:
    """Write many entries at once (key: ``app_label.model:pk``; the kind is the one registered
    for that model unless the entry names one); returns how many."""
    return writing.write(items)


def rebuild() -> int:
    """Empty the index and fill it again from every registered kind; returns the count."""
    with translation.override(INDEX_LANGUAGE), transaction.atomic():
        emptied = writing.delete_all()
        written = writing.write(_all_entries(), fresh=True)
        writing.settle(emptied=emptied)
    return written


def _all_entries() -> Iterator[tuple[str, Entry]]:
    for kind in kinds.registered():
        records = kind.records().iterator(chunk_size=READ_BATCH)
        for obj in records:
            entry = kind.to_entry(obj)
            if entry is not None:
                yield key_for(obj), entry
