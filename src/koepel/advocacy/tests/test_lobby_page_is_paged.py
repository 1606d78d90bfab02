"""The lobby page: a count per status and one page of dossiers, whatever the number of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier, DossierStatus, status_order_of
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


def _many(n: int, body: Body, status: str = DossierStatus.ONGOING) -> None:
    """``n`` dossiers in one statement, as many as a large network has."""
    made = Dossier.objects.bulk_create(
        Dossier(
            title=f"Dossier {i:04}",
            slug=f"dossier-{i}",
            goal="Meer woningen.",
            status=status,
            status_order=status_order_of(status),
        )
        for i in range(n)
    )
    Dossier.bodies.through.objects.bulk_create(
        Dossier.bodies.through(dossier_id=d.pk, body_id=body.pk) for d in made
    )


def _pagination(response: Any) -> tuple[str, list[str]]:
    nav = BeautifulSoup(response.content, "html.parser").select_one("nav.pagination")
    assert nav is not None
    return nav.p.get_text(strip=True), [a.get_text(" ", strip=True) for a in nav.select("a")]


def test_past_a_thousand_dossiers_the_page_says_more_than_a_thousand(
    db: None, client: Client
) -> None:
    _many(1001, BodyFactory())
    response = client.get(reverse("advocacy:dossiers"))
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("p[role=status]").get_text(strip=True) == "meer dan 1.000 lobbydossiers"
    links = [a.get_text(strip=True) for a in page.select("nav.status-filter a")]
    assert links == ["Alle statussen (meer dan 1.000)", "Lopend (meer dan 1.000)"]
    # No last page number: the first pages, the next one, and a way on.
    where, numbers = _pagination(response)
    assert where == "Pagina 1"
    assert numbers == ["Pagina 1", "Pagina 2", "Volgende"]
    assert len(_rows(response)) == PAGE_SIZE


def test_exactly_a_thousand_dossiers_are_counted_and_numbered(db: None, client: Client) -> None:
    _many(1000, BodyFactory())
    response = client.get(reverse("advocacy:dossiers"))
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("p[role=status]").get_text(strip=True) == "1000 lobbydossiers"
    where, numbers = _pagination(response)
    assert where == "Pagina 1 van 50"
    assert numbers == ["Pagina 1", "Pagina 2", "Pagina 3", "Pagina 50", "Volgende"]


def test_pages_past_the_cap_go_on_to_the_end_of_the_list(
    db: None, client: Client, settings: Any
) -> None:
    """With a cap of 25, a list of 47: the count stops at "more than 25"; page 2 and 3 are
    still reached by "next", and the last has no "next"."""
    settings.KOEPEL_COUNT_CAP = 25
    _many(47, BodyFactory())
    url = reverse("advocacy:dossiers")
    first = client.get(url)
    assert "meer dan 25 lobbydossiers" in first.content.decode()
    shown = _rows(first)
    response = first
    while True:
        where, numbers = _pagination(response)
        if "Volgende" not in numbers:
            break
        link = BeautifulSoup(response.content, "html.parser").select_one("a[rel=next]")
        response = client.get(url + link["href"])
        shown += _rows(response)
    assert where == "Pagina 3"
    assert shown == [f"Dossier {i:04}" for i in range(47)]
    # A page number past the end gives the last page the count reached.
    beyond = client.get(url, {"pagina": 9})
    assert _pagination(beyond)[0] == "Pagina 2"
