"""A restricted meeting and a restricted lobby action are found only by the people named on
them, the secretary of their body and the office: never by anyone else — not as a hit, not
in a count, not in a snippet."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from koepel.accounts.access import SYSTEM
from koepel.advocacy import services as lobby
from koepel.search.tests.conftest import search_page, signed_in

SECRET_TITLES = {"Vertrouwelijk overleg grondprijzen", "Conceptbrief over de erfpachtkorting"}
SECRET_WORDS = ["grondprijsstrategie", "erfpachtkorting", "grondprijzen", "geheim", "derden"]


@pytest.mark.parametrize("who", ["anonymous", "outsider", "colleague"])
def test_others_do_not_find_the_restricted_meeting_and_action(
    who: str, network: dict[str, Any], client: Client
) -> None:
    client = signed_in(client, network, who)

    # "woningbouw" is in the public records and in the two restricted ones.
    page = search_page(client, "woningbouw")

    assert sorted(page.titles) == ["Meer sociale huurwoningen", "Themasessie woningbouw"]
    assert page.total == 2
    assert page.counts["bijeenkomst"] == 1
    assert page.counts["lobbyactie"] == 0
    assert not any(word in page.html for word in SECRET_WORDS)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "colleague"])
@pytest.mark.parametrize("word", SECRET_WORDS)
def test_words_only_in_restricted_records_find_nothing_for_others(
    who: str, word: str, network: dict[str, Any], client: Client
) -> None:
    client = signed_in(client, network, who)
    page = search_page(client, word)

    assert page.hits == []
    assert set(page.counts.values()) == {0}
    # The word is on the page only where the query is shown back, as a made-up word would be.
    echoes = search_page(client, "xyzzy").html.count("xyzzy")
    assert page.html.count(word) == echoes


@pytest.mark.parametrize("who", ["named", "secretary", "office"])
def test_the_named_person_the_secretary_and_the_office_find_them(
    who: str, network: dict[str, Any], client: Client
) -> None:
    page = search_page(signed_in(client, network, who), "woningbouw")

    assert set(page.titles) >= SECRET_TITLES
    assert page.total == 4
    assert page.counts["bijeenkomst"] == 2
    assert page.counts["lobbyactie"] == 1
    secret = next(hit for hit in page.hits if hit.title == "Vertrouwelijk overleg grondprijzen")
    assert "grondprijsstrategie" in secret.snippet


def test_a_filter_on_the_body_shows_nothing_restricted_to_others(
    network: dict[str, Any], client: Client
) -> None:
    page = search_page(signed_in(client, network, "colleague"), "woningbouw", gremium="wonen")

    assert not SECRET_TITLES & set(page.titles)
    assert page.total == 2


def test_one_after_another_each_finds_only_what_they_may_see(
    network: dict[str, Any], client: Client
) -> None:
    # Each viewer's statement is put together once and kept: the next viewer must get their own.
    for who, total in [("office", 4), ("colleague", 2), ("named", 4), ("anonymous", 2)]:
        client.logout()
        page = search_page(signed_in(client, network, who), "woningbouw")
        assert (who, page.total) == (who, total)
        assert bool(SECRET_TITLES & set(page.titles)) == (total == 4)


def test_members_of_two_groups_each_find_only_their_own_groups_records(
    network: dict[str, Any], client: Client
) -> None:
    for body in (network["group"], network["elsewhere"]):
        lobby.milestone_create(
            actor=SYSTEM,
            bodies=[body],
            title=f"Werkafspraak {body.name}",
            description="Alleen voor de leden van de themagroep.",
            date=dt.date(2021, 3, 1),
            date_precision="month",
            visibility="body",
        )

    # The two viewers differ only in the bodies they sit in.
    for who, group in [("colleague", "Wonen"), ("outsider", "Cultuur"), ("colleague", "Wonen")]:
        client.logout()
        page = search_page(signed_in(client, network, who), "werkafspraak")
        assert page.titles == [f"Werkafspraak Themagroep {group}"]
