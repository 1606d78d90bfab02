"""Accents do not matter: "financien" finds "Financiën", "creche" finds "crèche"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from koepel.accounts.access import SYSTEM
from koepel.meetings import services as meetings
from koepel.search.tests.conftest import search_page


def test_financien_finds_the_theme_group_financien_of_the_demo(demo: None, client: Client) -> None:
    page = search_page(client, "financien")

    assert "Themagroep Financiën" in page.titles
    hit = next(hit for hit in page.hits if hit.title == "Themagroep Financiën")
    assert "<mark>financiën</mark>" in hit.snippet.lower()


@pytest.mark.parametrize("typed", ["creche", "crèche", "CRÈCHE", "café", "cafe", "ijssalon"])
def test_a_word_with_or_without_accents_finds_the_record(
    typed: str, network: dict[str, Any], client: Client
) -> None:
    meetings.meeting_plan(
        actor=SYSTEM,
        bodies=[network["group"]],
        title="Werkbezoek aan de crèche, het café en de ĳssalon",
        kind="werkbezoek",
        level="bestuurlijk",
        format="fysiek",
        date=dt.date(2021, 10, 4),
        visibility="public",
    )

    page = search_page(client, typed)

    assert page.titles == ["Werkbezoek aan de crèche, het café en de ĳssalon"]


@pytest.mark.parametrize("typed", ["woningcorporaties", "financiën", "financien", "wonen"])
def test_words_are_found_whatever_punctuation_or_form_of_accent_they_are_written_with(
    typed: str, network: dict[str, Any], client: Client
) -> None:
    # Quotes and a dash glued to the words, and "ë" written as "e" plus a combining diaeresis
    # (as text pasted from some programs is).
    title = "Overleg met ‘woningcorporaties’, over financie\u0308n—en (wonen)."
    meetings.meeting_plan(
        actor=SYSTEM,
        bodies=[network["group"]],
        title=title,
        kind="werkbezoek",
        level="bestuurlijk",
        format="fysiek",
        date=dt.date(2021, 10, 5),
        visibility="public",
    )

    assert title in search_page(client, typed).titles


def test_the_snippet_marks_the_word_itself_when_letters_before_it_fold_to_more_or_fewer(
    network: dict[str, Any], client: Client
) -> None:
    # "ß" folds to two letters and a combining diaeresis to none: the text keeps its length
    # once folded, but every letter between the two has moved by one.
    meetings.meeting_plan(
        actor=SYSTEM,
        bodies=[network["group"]],
        title="Werkbezoek",
        description="Großstadt: woningcorporaties en financie\u0308n",
        kind="werkbezoek",
        level="bestuurlijk",
        format="fysiek",
        date=dt.date(2021, 10, 6),
        visibility="public",
    )

    (hit,) = search_page(client, "woningcorporaties").hits

    assert "<mark>woningcorporaties</mark>" in hit.snippet
