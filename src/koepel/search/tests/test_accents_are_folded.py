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
