"""The lobby page's counts per status stop at the cap (``KOEPEL_COUNT_CAP``): past it a status
says "more than …", below it the exact number of dossiers the viewer may see, and the database
is asked for no more than cap + 1 dossiers of a status, however many there are."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier, DossierStatus, LobbyAction, status_order_of
from koepel.core import caching
from koepel.core.pagination import PAGE_SIZE
from koepel.registry.models import Body
from koepel.registry.tests.factories import BodyFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def _dossiers(n: int, body: Body, status: str, *, start: int, visibility: str = "public") -> None:
    made = Dossier.objects.bulk_create(
        Dossier(
            title=f"Dossier {i:03}",
            slug=f"dossier-{i}",
            goal="Meer woningen.",
            status=status,
            status_order=status_order_of(status),
            visibility=visibility,
        )
        for i in range(start, start + n)
    )
    Dossier.bodies.through.objects.bulk_create(
        Dossier.bodies.through(dossier_id=d.pk, body_id=body.pk) for d in made
    )
    caching.bump("advocacy")  # past the signals, as the services' bulk writes are


def _statuses(client: Client) -> tuple[list[str], list[str]]:
    """The status links of the lobby page, and the statements the page sent."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("advocacy:dossiers"))
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    links = [a.get_text(strip=True) for a in page.select("nav.status-filter a")]
    return links, [query["sql"] for query in queries.captured_queries]


def test_a_status_past_the_cap_says_more_than_the_cap(
    client: Client, settings: Any, django_assert_max_num_queries: Any
) -> None:
    settings.KOEPEL_COUNT_CAP = 3
    body = BodyFactory()
    _dossiers(3, body, DossierStatus.ONGOING, start=0)
    _dossiers(1, body, DossierStatus.ACHIEVED, start=10)
    links, few = _statuses(client)
    assert links == ["Alle statussen (meer dan 3)", "Lopend (3)", "Behaald (1)"]

    _dossiers(40, body, DossierStatus.ONGOING, start=100)
    _dossiers(2, body, DossierStatus.ACHIEVED, start=200)
    links, many = _statuses(client)
    assert links == ["Alle statussen (meer dan 3)", "Lopend (meer dan 3)", "Behaald (3)"]
    assert len(many) == len(few)

    # One statement counts every status, each in a subquery that stops at cap + 1.
    counting = [sql for sql in many if sql.count("COUNT(") >= len(DossierStatus.values)]
    assert len(counting) == 1
    assert re.findall(r"LIMIT (\d+)", counting[0]) == ["4"] * len(DossierStatus.values)


def test_a_status_within_the_cap_is_counted_exactly(client: Client, settings: Any) -> None:
    settings.KOEPEL_COUNT_CAP = 3
    body = BodyFactory()
    _dossiers(2, body, DossierStatus.ONGOING, start=0)
    _dossiers(1, body, DossierStatus.WITHDRAWN, start=10)
    links, _ = _statuses(client)
    assert links == ["Alle statussen (3)", "Lopend (2)", "Ingetrokken (1)"]
    page = BeautifulSoup(client.get(reverse("advocacy:dossiers")).content, "html.parser")
    assert page.select_one("p[role=status]").get_text(strip=True) == "3 lobbydossiers"


def test_the_counts_hold_only_what_the_viewer_may_see(client: Client, settings: Any) -> None:
    """Restricted dossiers of a body the viewer does not sit in are not counted, so a status
    that has more dossiers than the cap in all is exact for a viewer who sees fewer."""
    settings.KOEPEL_COUNT_CAP = 3
    body = BodyFactory()
    _dossiers(3, body, DossierStatus.ONGOING, start=0)
    _dossiers(5, body, DossierStatus.ONGOING, start=10, visibility="restricted")
    _dossiers(2, body, DossierStatus.ACHIEVED, start=20, visibility="restricted")
    links, _ = _statuses(client)
    assert links == ["Alle statussen (3)", "Lopend (3)"]

    client.force_login(UserFactory(office=True))
    links, _ = _statuses(client)
    assert links == ["Alle statussen (meer dan 3)", "Lopend (meer dan 3)", "Behaald (2)"]


def test_the_actions_to_an_addressee_are_counted_up_to_the_cap(
    client: Client, settings: Any
) -> None:
    settings.KOEPEL_COUNT_CAP = PAGE_SIZE + 2
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

    def said() -> str:
        response = client.get(reverse("advocacy:dossiers"), {"geadresseerde": "bzk"})
        page = BeautifulSoup(response.content, "html.parser")
        section = page.find("section", attrs={"aria-labelledby": "actions-heading"})
        return " ".join(section.get_text().split())

    letters(PAGE_SIZE + 2, 0)
    assert f"De nieuwste {PAGE_SIZE} van {PAGE_SIZE + 2} lobbyacties" in said()
    letters(5, PAGE_SIZE + 2)
    assert f"De nieuwste {PAGE_SIZE} van meer dan {PAGE_SIZE + 2} lobbyacties" in said()
