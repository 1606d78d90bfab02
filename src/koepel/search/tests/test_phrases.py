"""A phrase in quotes finds the words in that order, and not the same words apart."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from koepel.accounts.access import SYSTEM
from koepel.advocacy import services as lobby
from koepel.registry.models import Body
from koepel.search.tests.conftest import search_page

PHRASE = '"Een thuis voor iedereen"'


def _words_apart() -> None:
    lobby.milestone_create(
        actor=SYSTEM,
        bodies=[Body.objects.get(slug="pijler-fysiek")],
        title="Thuiswerken in de regio",
        description="Thuis werken kan voor de helft van de mensen, maar niet voor iedereen.",
        date=dt.date(2021, 11, 1),
        date_precision="day",
    )


def test_the_phrase_finds_the_demo_meeting_and_dossier(shared_demo: None, client: Client) -> None:
    page = search_page(client, PHRASE)

    assert "Bijeenkomst over 'Een thuis voor iedereen'" in page.titles
    assert "Een thuis voor iedereen" in page.titles
    kinds = {hit.kind for hit in page.hits}
    assert {"bijeenkomst", "lobbydossier"} <= kinds
    dossier = next(hit for hit in page.hits if hit.title == "Een thuis voor iedereen")
    assert "<mark>Een thuis voor iedereen</mark>" in dossier.snippet


def test_the_phrase_does_not_find_the_same_words_apart(shared_demo: None, client: Client) -> None:
    _words_apart()

    assert "Thuiswerken in de regio" in search_page(client, "thuis iedereen").titles
    assert "Thuiswerken in de regio" not in search_page(client, PHRASE).titles


def test_a_phrase_and_a_word_together_must_both_match(shared_demo: None, client: Client) -> None:
    page = search_page(client, f"{PHRASE} regeerakkoord")

    assert page.hits
    assert "Bijeenkomst over 'Een thuis voor iedereen'" not in page.titles
    assert all("regeerakkoord" in (hit.title + hit.snippet).lower() for hit in page.hits)
