"""Whatever is typed gets a normal page: punctuation, a very long query, stray quotes, the
operators and column filters of the engines underneath."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from koepel.search.tests.conftest import search_page, signed_in

JUNK = [
    "!!!",
    "...",
    "*",
    "-",
    "'",
    '"',
    '"""',
    "()[]{}<>",
    "a" * 10_000,
    "woningbouw " * 910,
    "x" * 4_000 + " woningbouw",
    '"unbalanced woningbouw',
    'woningbouw"',
    "NEAR(woningbouw wijk)",
    "woningbouw NEAR/2 wijk",
    "woningbouw AND OR NOT wijk",
    "title:woningbouw",
    "text:woning*",
    "{title text}: woningbouw",
    "^woningbouw",
    "woningbouw*:*",
    "woningbouw & !wijk | (a <-> b)",
    "' OR 1=1 --",
    "\\x00\x00",
    "<script>alert(1)</script>",
    "🙂 woningbouw",
    "ß ĳ œ",
    "de het een",
]


@pytest.mark.parametrize("typed", JUNK, ids=lambda typed: repr(typed[:30]))
def test_junk_gets_a_normal_page(typed: str, network: dict[str, Any], client: Client) -> None:
    client = signed_in(client, network, "outsider")

    page = search_page(client, typed)

    assert page.status == 200
    assert len(page.soup.find_all("h1")) == 1
    assert page.soup.find(class_="search-summary") is not None
    assert "<script>alert" not in page.html
    assert "Vertrouwelijk" not in page.html


def test_operators_are_read_as_words_and_quotes_as_punctuation(
    network: dict[str, Any], client: Client
) -> None:
    assert search_page(client, '"unbalanced woningbouw').hits == []  # "unbalanced" is a word
    assert search_page(client, 'woningbouw"').titles
    assert search_page(client, "title:woningbouw").hits == []  # "title" is a word too
    assert search_page(client, "NEAR(woningbouw wijk)").hits == []
    assert search_page(client, "(woningbouw wijk)").titles == ["Themasessie woningbouw"]


def test_a_query_of_ten_thousand_characters_is_answered_from_its_start(
    network: dict[str, Any], client: Client
) -> None:
    page = search_page(client, "woningbouw " * 910)

    assert len("woningbouw " * 910) > 10_000
    assert sorted(page.titles) == ["Meer sociale huurwoningen", "Themasessie woningbouw"]
