"""A large write into an empty index (a first import, ``rebuild``) is loaded in bulk: on
PostgreSQL by ``COPY``, with the text index built once at the end. What is loaded is found at
once, with its visibility, exactly as entries written one by one; a key that comes again
replaces the first; and a record saved meanwhile by someone else waits for the load, then is
found too."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from koepel.search import index, writing
from koepel.search.models import SearchEntry
from koepel.search.tests import conftest
from koepel.search.tests.conftest import make_body, search_page, signed_in


def _vectors() -> dict[str, str]:
    """Each entry's text index as the engine holds it, by key."""
    if connection.vendor == "postgresql":
        statement = "SELECT key, search_vector::text FROM search_searchentry"
    else:
        statement = (
            "SELECT e.key, f.title || ' | ' || f.text || ' | ' || f.access FROM search_fts f "
            "JOIN search_searchentry e ON e.id = f.rowid"
        )
    with connection.cursor() as cursor:
        cursor.execute(statement)
        return dict(cursor.fetchall())


def test_a_load_into_an_empty_index_is_found_at_once_with_its_visibility(
    network: dict[str, Any], client: Client
) -> None:
    writing.delete_all()

    assert index.bulk_put(conftest.sections(network, 1_200, first=800_000)) == 1_200

    assert search_page(client, "energietransitie").counts["sectie"] == 300
    outsider = search_page(signed_in(client, network, "outsider"), "energietransitie")
    assert outsider.counts["sectie"] == 600  # public and network
    client.logout()
    named = search_page(signed_in(client, network, "named"), "creche")
    assert named.counts["sectie"] == 1_200
    assert named.hits[0].trail.startswith("Proefdocument › Hoofdstuk")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'search_entry_vector'"
            )
            assert "gin (search_vector)" in cursor.fetchone()[0]


def test_a_load_makes_the_entries_that_writing_them_into_a_filled_index_makes(
    network: dict[str, Any],
) -> None:
    sections = conftest.sections(network, 1_200, first=800_000)
    index.bulk_put(sections)  # into the network's entries: written as any write
    written = {key: vector for key, vector in _vectors().items() if key in dict(sections)}
    writing.delete_all()

    index.bulk_put(sections)

    assert _vectors() == written
    assert SearchEntry.objects.filter(bodies=network["group"]).count() == 1_200
    assert SearchEntry.objects.filter(people=network["named"]).count() == 300


def test_a_key_that_comes_again_later_in_a_load_replaces_the_first(
    network: dict[str, Any], client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writing, "LOAD_CHUNK", 500)
    writing.delete_all()
    sections = conftest.sections(network, 1_200, first=800_000)
    key = sections[0][0]
    again = index.Entry(kind="sectie", title="Vervangen", text="Over zonnepanelen.", url="/")

    assert index.bulk_put([*sections, (key, again)]) == 1_201

    assert search_page(client, "energietransitie").counts["sectie"] == 299
    assert search_page(client, "zonnepanelen").counts["sectie"] == 1
    replaced = SearchEntry.objects.get(key=key)
    assert (replaced.title, list(replaced.bodies.all())) == ("Vervangen", [])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite writes one at a time")
@pytest.mark.django_db(transaction=True)
def test_a_record_saved_during_a_load_waits_for_it_and_is_found(client: Client) -> None:
    loaded, saved = threading.Event(), threading.Event()
    failures: list[BaseException] = []
    group = make_body("Themagroep Wonen", "wonen", "theme_group")
    writing.delete_all()
    sections = [
        (
            f"library.section:{number}",
            index.Entry(kind="sectie", title=f"Paragraaf {number}", text="Warmtenetten.", url="/"),
        )
        for number in range(1_200)
    ]

    def save() -> None:
        try:
            loaded.wait(10)
            make_body("Themagroep Warmtenetten", "warmte", "theme_group")
            saved.set()
        except BaseException as error:  # handed to the test
            failures.append(error)
        finally:
            connections.close_all()

    saver = threading.Thread(target=save)
    saver.start()
    with transaction.atomic():
        index.bulk_put(sections)
        loaded.set()
        # The save waits for the load's lock on the index rather than failing or going by.
        assert not saved.wait(0.5)
    saver.join(10)

    assert failures == []
    assert saved.is_set()
    page = search_page(client, "warmtenetten")
    assert page.counts["sectie"] == 1_200
    assert "Themagroep Warmtenetten" in search_page(client, "themagroep").titles
    assert group.pk
