"""The start of a word with a star finds every word that starts that way."""

from __future__ import annotations

from typing import Any

from django.test import Client

from koepel.search.tests.conftest import search_page


def test_woning_star_finds_woningbouw_and_huurwoningen_but_not_wonen(
    network: dict[str, Any], client: Client
) -> None:
    page = search_page(client, "woning*")

    assert "Themasessie woningbouw" in page.titles
    assert "Meer sociale huurwoningen" in page.titles  # through "woningbouw" in its goal
    assert "Themagroep Wonen" not in page.titles
    hit = next(hit for hit in page.hits if hit.title == "Themasessie woningbouw")
    assert "<mark>woningbouw</mark>" in hit.snippet


def test_without_the_star_only_the_word_itself_is_found(
    network: dict[str, Any], client: Client
) -> None:
    assert search_page(client, "woning").hits == []
    assert search_page(client, "woningbouw").hits


def test_a_full_word_with_a_star_still_finds_its_other_forms(
    network: dict[str, Any], client: Client
) -> None:
    assert "Themasessie woningbouw" in search_page(client, "wijken*").titles
