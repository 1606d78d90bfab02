"""``rebuild()`` reads the records in bulk, and still makes for every record exactly the entry
that saving it makes (``update``), on a generated network; and it asks the database the same
number of questions however many records there are."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from koepel.generate.generator import generate
from koepel.search import index, kinds, writing
from koepel.search.models import SearchEntry


def _the_index() -> dict[str, tuple[Any, ...]]:
    """Every entry by key: its row, its bodies and people, and the engine's text index."""
    if connection.vendor == "postgresql":
        engine_sql = "SELECT e.key, e.search_vector::text FROM search_searchentry e"
    else:
        engine_sql = (
            "SELECT e.key, f.title || ' | ' || f.text FROM search_fts f "
            "JOIN search_searchentry e ON e.id = f.rowid"
        )
    with connection.cursor() as cursor:
        cursor.execute(engine_sql)
        indexed = dict(cursor.fetchall())
    entries = {}
    for entry in SearchEntry.objects.prefetch_related("bodies", "people"):
        entries[entry.key] = (
            entry.kind,
            entry.title,
            entry.text,
            entry.url,
            entry.trail,
            entry.year,
            entry.visibility,
            sorted(body.pk for body in entry.bodies.all()),
            sorted(person.pk for person in entry.people.all()),
            indexed.pop(entry.key),
        )
    assert not indexed  # nothing in the engine's index without its entry
    return entries


@pytest.mark.django_db
def test_rebuild_makes_the_entry_that_saving_each_record_makes() -> None:
    generate(scale=0.02, seed=11)  # ends with index.rebuild()
    rebuilt = _the_index()

    writing.delete_all()
    for model in index.registered():
        for record in model._default_manager.all():
            index.update(record)  # what a service does after saving the record

    assert _the_index() == rebuilt
    assert {kind for kind, *_ in rebuilt.values()} == set(kinds.codes())  # every kind was compared
    # Restricted records were compared too, with the people and bodies who may see them.
    assert any(row[6] == "restricted" and row[8] for row in rebuilt.values())


@pytest.mark.django_db
def test_rebuild_asks_no_more_queries_for_more_records(monkeypatch: pytest.MonkeyPatch) -> None:
    # One batch for everything, so that what is left to count is what grows with the records.
    monkeypatch.setattr(index, "READ_BATCH", 100_000)
    monkeypatch.setattr(writing, "BATCH", 100_000)
    made = []
    for scale in (0.02, 0.2):
        with transaction.atomic():
            generate(scale=scale, seed=11)
            with CaptureQueriesContext(connection) as queries:
                entries = index.rebuild()
            made.append((entries, len(queries)))
            transaction.set_rollback(True)

    (few, asked), (many, asked_again) = made
    assert many > few + 500
    assert asked_again == asked
