"""A word finds its other forms: the index and the query are stemmed with Dutch Snowball."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from koepel.accounts.access import SYSTEM
from koepel.advocacy import services as lobby
from koepel.search.tests.conftest import make_body, search_page

WORD_PAIRS = [
    ("woning", "woningen"),
    ("gemeente", "gemeenten"),
    ("bestuurder", "bestuurders"),
    ("vergadering", "vergaderingen"),
    ("wijk", "wijken"),
    ("ondernemer", "ondernemers"),
]


@pytest.fixture(params=WORD_PAIRS, ids=lambda pair: "/".join(pair))
def word_pair(request: Any, db: None) -> tuple[str, str]:
    """Two milestones, one with the singular and one with the plural, and one with neither."""
    singular, plural = request.param
    body = make_body("Taskforce Proef", "proef", "taskforce")
    for title, sentence in [
        ("Eerste mijlpaal", f"Het ging vooral over de {singular} aan de rand van de stad."),
        ("Tweede mijlpaal", f"Daarna over twintig {plural} in het oosten."),
        ("Derde mijlpaal", "Iets heel anders: de begroting van het komende jaar."),
    ]:
        lobby.milestone_create(
            actor=SYSTEM,
            bodies=[body],
            title=title,
            description=sentence,
            date=dt.date(2021, 4, 1),
            date_precision="day",
        )
    return singular, plural


def test_both_forms_of_a_word_find_the_same_records(
    word_pair: tuple[str, str], client: Client
) -> None:
    singular, plural = word_pair

    by_singular = search_page(client, singular)
    by_plural = search_page(client, plural)

    assert sorted(by_singular.titles) == ["Eerste mijlpaal", "Tweede mijlpaal"]
    assert sorted(by_plural.titles) == sorted(by_singular.titles)


def test_woningen_finds_a_record_that_says_woning(network: dict[str, Any], client: Client) -> None:
    lobby.dossier_create(
        actor=SYSTEM,
        bodies=[network["group"]],
        title="Een woning voor starters",
        slug="starters",
        goal="Jongeren vinden sneller een plek.",
        visibility="public",
    )

    page = search_page(client, "woningen")

    assert "Een woning voor starters" in page.titles
    assert "Themagroep Cultuur" not in page.titles


def test_the_matched_form_is_marked_in_the_snippet(network: dict[str, Any], client: Client) -> None:
    page = search_page(client, "wijken")

    [hit] = page.hits
    assert hit.title == "Themasessie woningbouw"
    assert "<mark>wijk</mark>" in hit.snippet


def test_the_ge_of_a_word_is_kept_so_gezondheid_does_not_find_the_sun(
    network: dict[str, Any], client: Client
) -> None:
    for title, goal in [
        ("Energie van zon en wind", "Meer zon op daken."),
        ("Gezondheid in de wijk", "Gezondheid voor iedereen."),
        ("Meenemen naar de formatie", "Wat we meenemen."),
    ]:
        lobby.dossier_create(
            actor=SYSTEM,
            bodies=[network["group"]],
            title=title,
            slug=title.lower().replace(" ", "-"),
            goal=goal,
            visibility="public",
        )

    assert search_page(client, "gezondheid").titles == ["Gezondheid in de wijk"]
    assert search_page(client, "zon").titles == ["Energie van zon en wind"]
    assert "Meenemen naar de formatie" not in search_page(client, "gemeenten").titles
