"""The lobby page: a count per status and one page of dossiers, whatever the number of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier, DossierStatus
from koepel.core.pagination import PAGE_SIZE
from koepel.registry.models import Body
from koepel.registry.tests.factories import BodyFactory


def _dossiers(n: int, body: Body, status: str = DossierStatus.ONGOING, start: int = 0) -> None:
    for i in range(start, start + n):
        dossier = Dossier.objects.create(
            title=f"Dossier {i:03}",
            slug=f"dossier-{i}",
            goal="Meer woningen.",
            status=status,
            status_date=dt.date(2021, 1, 1) + dt.timedelta(days=i),
        )
        dossier.bodies.set([body])


def _rows(response: Any) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [li.a.get_text(strip=True) for li in page.select("ul.dossier-list li")]


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_lobby_page_costs_the_same_for_many_dossiers(
    db: None, client: Client, django_assert_max_num_queries: Any, signed_in: bool
) -> None:
    if signed_in:
        client.force_login(UserFactory(office=True))
    body = BodyFactory()
    _dossiers(3, body)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("advocacy:dossiers"))
    _dossiers(2 * PAGE_SIZE + 5, body, status=DossierStatus.ACHIEVED, start=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("advocacy:dossiers"))
    assert len(_rows(response)) == PAGE_SIZE


def test_the_lobby_page_counts_each_status_and_filters_on_one(db: None, client: Client) -> None:
    body = BodyFactory()
    _dossiers(3, body)
    _dossiers(2, body, status=DossierStatus.ACHIEVED, start=3)

    page = BeautifulSoup(client.get(reverse("advocacy:dossiers")).content, "html.parser")
    links = [a.get_text(strip=True) for a in page.select("nav.status-filter a")]
    assert links == ["Alle statussen (5)", "Lopend (3)", "Behaald (2)"]
    # Ongoing first, then achieved; within a status the latest change first.
    assert _rows(client.get(reverse("advocacy:dossiers"))) == [
        "Dossier 002",
        "Dossier 001",
        "Dossier 000",
        "Dossier 004",
        "Dossier 003",
    ]

    achieved = client.get(reverse("advocacy:dossiers"), {"status": DossierStatus.ACHIEVED})
    assert _rows(achieved) == ["Dossier 004", "Dossier 003"]
    current = BeautifulSoup(achieved.content, "html.parser").select_one(
        "nav.status-filter a[aria-current]"
    )
    assert current is not None and current.get_text(strip=True) == "Behaald (2)"


def test_the_pages_of_the_lobby_keep_the_filters(db: None, client: Client) -> None:
    body = BodyFactory(slug="wonen")
    _dossiers(PAGE_SIZE + 3, body)
    _dossiers(4, BodyFactory(slug="anders"), start=100)
    query = {"gremium": "wonen", "status": DossierStatus.ONGOING}

    first = client.get(reverse("advocacy:dossiers"), query)
    nav = BeautifulSoup(first.content, "html.parser").find("nav", class_="pagination")
    assert nav is not None
    assert nav.find("a", attrs={"aria-current": "page"}).get_text(strip=True).endswith("1")
    following = nav.find("a", rel="next")["href"]
    assert "gremium=wonen" in following and "status=lopend" in following
    assert "pagina=2" in following

    second = client.get(reverse("advocacy:dossiers") + following)
    assert len(_rows(second)) == 3
    # A page past the end shows the last one, as does anything that is not a number.
    assert _rows(client.get(reverse("advocacy:dossiers"), {**query, "pagina": "99"})) == _rows(
        second
    )
    assert len(_rows(client.get(reverse("advocacy:dossiers"), {**query, "pagina": "x"}))) == (
        PAGE_SIZE
    )


def test_the_actions_to_one_addressee_show_the_newest_page_and_how_many_there_are(
    db: None, client: Client, django_assert_max_num_queries: Any
) -> None:
    from koepel.advocacy.models import LobbyAction
    from koepel.registry.tests.factories import OrganisationFactory

    client.force_login(UserFactory(office=True))
    body = BodyFactory()
    ministry = OrganisationFactory(name="Ministerie van BZK", slug="bzk")

    def letters(n: int, start: int) -> None:
        for i in range(start, start + n):
            action = LobbyAction.objects.create(
                title=f"Brief {i:03}", kind="brief", date=dt.date(2020, 1, 1) + dt.timedelta(i)
            )
            action.bodies.set([body])
            action.addressees.set([ministry])

    letters(2, 0)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("advocacy:dossiers"), {"geadresseerde": "bzk"})
    letters(PAGE_SIZE + 5, 2)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("advocacy:dossiers"), {"geadresseerde": "bzk"})
    page = BeautifulSoup(response.content, "html.parser")
    section = page.find("section", attrs={"aria-labelledby": "actions-heading"})
    titles = [a.get_text(strip=True) for a in section.select("tbody a")] if section else []
    assert f"Brief {PAGE_SIZE + 6:03}" in titles  # the newest
    assert "Brief 000" not in titles
    assert f"De nieuwste {PAGE_SIZE} van {PAGE_SIZE + 7} lobbyacties" in section.get_text()
