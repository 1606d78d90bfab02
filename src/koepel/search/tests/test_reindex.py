"""``koepel reindex`` builds the index from scratch and gives the same results."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.db import connection
from django.test import Client

from koepel.core import caching
from koepel.meetings.models import Meeting
from koepel.search import engines, writing
from koepel.search.models import SearchEntry
from koepel.search.query import search
from koepel.search.tests.conftest import search_page, signed_in

QUERIES = ["woningbouw", "gemeenten", '"Een thuis voor iedereen"', "woning*", "Platform31"]


def _everything(users: dict[str, Any]) -> dict[tuple[str, str], Any]:
    found = {}
    for who, user in [("anonymous", None), *users.items()]:
        for q in QUERIES:
            results = search(user, q, per_page=100)
            hits = sorted(
                (hit.kind, hit.url, hit.title, round(hit.score, 6)) for hit in results.hits
            )
            found[who, q] = (results.total, results.counts_by_kind, hits)
    return found


def test_reindex_from_scratch_gives_the_same_results(demo: None, network: dict[str, Any]) -> None:
    before = _everything(network["users"])
    entries = SearchEntry.objects.count()
    out = StringIO()

    call_command("reindex", stdout=out)

    assert _everything(network["users"]) == before
    assert SearchEntry.objects.count() == entries
    assert str(entries) in out.getvalue()
    # The comparison covers the restricted records, seen by some and not by others.
    assert before["named", "woningbouw"][0] == before["anonymous", "woningbouw"][0] + 2


def test_reindex_drops_what_went_away_without_the_services(
    network: dict[str, Any], client: Client
) -> None:
    Meeting.objects.filter(pk=network["public_meeting"].pk).delete()  # as a raw database edit
    assert "Themasessie woningbouw" in search_page(client, "woningbouw").titles

    call_command("reindex", stdout=StringIO())

    assert "Themasessie woningbouw" not in search_page(client, "woningbouw").titles
    named = signed_in(client, network, "named")
    assert "Vertrouwelijk overleg grondprijzen" in search_page(named, "woningbouw").titles


def test_the_index_written_again_from_the_entries_gives_the_same_results(
    demo: None, network: dict[str, Any]
) -> None:
    """What migration 0005 does to an existing database: the engine's index of every entry
    written again from the entry's own row, bodies and people, not from the records."""
    before = _everything(network["users"])
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            engines.current().forget_all(cursor)
        else:
            cursor.execute("UPDATE search_searchentry SET search_vector = NULL")
    # Written past the services, as a migration writes: what was kept before is stale. (A
    # migration comes with a new release, which kept parts are keyed by.)
    caching.bump("search")
    assert search(None, "woningbouw").total == 0

    written = writing.rewrite_index()
    caching.bump("search")

    assert written == SearchEntry.objects.count()
    assert _everything(network["users"]) == before
