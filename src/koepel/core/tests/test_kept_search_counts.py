"""The counts per kind of a search are kept under the scopes of its words (koepel.search.scopes):
a write of an entry that neither holds nor gains nor loses one of them leaves the counts kept,
and the page of hits, with its snippets, is built afresh; a write that changes which entries
match — a new entry with the word, the word taken out of an entry or put in, an entry closed
to the reader, an entry gone — is in the counts at the next request. Each test runs on the
cache in this process's memory and on a real Redis server (``kept_in``, conftest.py)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koepel.registry import services
from koepel.registry.models import Body
from koepel.registry.tests.factories import BodyFactory
from koepel.search import query, writing

# What counting sends when it is a statement of its own: always on SQLite; on PostgreSQL for a
# common word only (a selective word is counted in the statement that ranks, and nothing is
# kept apart); and the count of a common word per kind and level (``search.wordcounts``).
COUNT_READS = (
    "SELECT (SELECT count(*) FROM search_fts",
    "SELECT kind, count(*) FROM",
    "SELECT entry.kind, entry.visibility, count(*) FROM",
    "SELECT kind, visibility, count(*) FROM",
)


def _counts(client: Client, q: str) -> tuple[dict[str, int], list[str], bool]:
    """The counts per kind, the titles of the hits, and whether counting ran apart."""
    with CaptureQueriesContext(connection) as sent:
        response = client.get("/zoeken/", {"q": q})
    assert response.status_code == 200
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    counts = {}
    for box in soup.select('input[name="soort"]'):
        label = soup.find("label", attrs={"for": box["id"]})
        counts[str(box["value"])] = int(re.findall(r"\((\d+)\)", label.get_text())[-1])
    titles = [
        item.find("h2").get_text(strip=True) for item in soup.select("ol.search-results > li")
    ]
    counted = any(statement["sql"].startswith(COUNT_READS) for statement in sent.captured_queries)
    return {kind: n for kind, n in counts.items() if n}, titles, counted


def _body(name: str, **fields: str) -> Body:
    return services.body_save(body=BodyFactory.build(name=name, **fields))


def _rename(body: Body, name: str, **fields: str) -> Body:
    stored = Body.objects.get(pk=body.pk)
    stored.name = name
    for field, value in fields.items():
        setattr(stored, field, value)
    return services.body_save(body=stored, expected_version=stored.version)


def test_a_write_of_other_words_leaves_the_counts_kept_and_the_hits_new(
    db: None, kept_in: str
) -> None:
    sqlite = connection.vendor == "sqlite"
    dijken = _body("Werkgroep Dijken", slug="dijken")
    duinen = _body("Werkgroep Duinen", slug="duinen")
    public = Client()
    counts, titles, counted = _counts(public, "dijken")
    assert counts == {"gremium": 1} and titles == ["Werkgroep Dijken"]
    assert counted or not sqlite

    # A new entry with other words, and a word added to an entry that matches already.
    _body("Werkgroep Kades", slug="kades")
    dijken = _rename(dijken, "Werkgroep Dijken Noord")
    counts, titles, counted = _counts(public, "dijken")
    assert counts == {"gremium": 1}
    assert titles == ["Werkgroep Dijken Noord"], "the hits are those of the index as it is"
    assert not counted, "the counts were kept"
    assert _counts(public, "dijk*")[0] == {"gremium": 1}

    # The word put in an entry, a new entry with it, the word taken out of one.
    duinen = _rename(duinen, "Werkgroep Duinen en Dijken")
    assert _counts(public, "dijken")[0] == {"gremium": 2}
    _body("Platform Dijkbeheer", slug="dijkbeheer")
    assert _counts(public, "dijk*")[0] == {"gremium": 3}
    duinen = _rename(duinen, "Werkgroep Duinen")
    assert _counts(public, "dijken")[0] == {"gremium": 1}
    assert _counts(public, "dijk*")[0] == {"gremium": 2}


def test_an_entry_closed_to_the_reader_or_gone_leaves_the_counts(db: None, kept_in: str) -> None:
    dijken = _body("Werkgroep Dijken", slug="dijken")
    kades = _body("Werkgroep Dijken en Kades", slug="kades")
    public = Client()
    assert _counts(public, "dijken")[0] == {"gremium": 2}
    assert _counts(public, "di*")[0] == {"gremium": 2}

    _rename(kades, "Werkgroep Dijken en Kades", visibility="body")
    assert _counts(public, "dijken")[0] == {"gremium": 1}
    assert _counts(public, "di*")[0] == {"gremium": 1}
    services.record_delete(record=Body.objects.get(pk=dijken.pk))
    assert _counts(public, "dijken")[0] == {}
    assert _counts(public, "di*")[0] == {}


def test_a_phrase_is_counted_anew_when_its_words_change_places(db: None, kept_in: str) -> None:
    # The same words in another order: no word comes or goes, but the phrase no longer matches.
    dijken = _body("Werkgroep Dijken Kades", slug="dijken")
    public = Client()
    assert _counts(public, '"dijken kades"')[0] == {"gremium": 1}
    _rename(dijken, "Werkgroep Kades Dijken")
    assert _counts(public, '"dijken kades"')[0] == {}
    assert _counts(public, '"kades dijken"')[0] == {"gremium": 1}


def test_a_common_word_is_counted_apart_and_kept_on_both_engines(
    db: None, kept_in: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every word taken for common: its page ranks the title hits; its counts per kind and level
    # are counted once and then changed by every write (``search.wordcounts``), and a
    # viewer's counts made of them are kept under the word's scope.
    monkeypatch.setattr(query, "BOUNDED_FROM", 0)
    monkeypatch.setattr(query, "COMMON_SHARE", 0.0)
    _body("Werkgroep Dijken", slug="dijken")
    _body("Werkgroep Duinen", slug="duinen")
    writing.settle()  # the statistics that say how common a word is
    public = Client()
    counts, titles, counted = _counts(public, "werkgroep")
    assert counts == {"gremium": 2} and counted
    assert sorted(titles) == ["Werkgroep Dijken", "Werkgroep Duinen"]

    _body("Platform Kades", slug="kades")
    counts, titles, counted = _counts(public, "werkgroep")
    assert counts == {"gremium": 2} and not counted
    assert sorted(titles) == ["Werkgroep Dijken", "Werkgroep Duinen"]

    _body("Werkgroep Kades", slug="werkgroep-kades")
    counts, titles, counted = _counts(public, "werkgroep")
    assert counts == {"gremium": 3} and not counted  # the write changed the kept counts
    assert sorted(titles) == ["Werkgroep Dijken", "Werkgroep Duinen", "Werkgroep Kades"]
