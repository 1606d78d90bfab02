"""The home page's key numbers count up to the cap (``KOEPEL_COUNT_CAP``) and no further: past
it a figure says "more than …", below it the exact number the viewer may see. They are counted
in one statement, once per access and version of the register's data."""

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
from koepel.registry.models import Body
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

START = dt.date(2018, 1, 1)


def _numbers(client: Client) -> tuple[dict[str, str], list[str]]:
    """The key numbers by their label, and the statements the page sent."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("registry:home"))
    assert response.status_code == 200
    figures = BeautifulSoup(response.content, "html.parser").select_one("dl.key-numbers")
    numbers = {
        row.dt.get_text(strip=True): row.dd.get_text(strip=True) for row in figures.select("div")
    }
    return numbers, [query["sql"] for query in queries.captured_queries]


def _cities(n: int) -> None:
    for _ in range(n):
        MembershipFactory(start=START)


def _people(n: int, body: Body) -> None:
    for _ in range(n):
        RoleFactory(person=PersonFactory(), body=body, start=START)


def test_a_figure_past_the_cap_says_more_than_the_cap(client: Client, settings: Any) -> None:
    settings.KOEPEL_COUNT_CAP = 3
    body = BodyFactory(name="Bestuur")
    _cities(3)
    for _ in range(2):
        MembershipFactory(municipality=None, organisation=OrganisationFactory(), start=START)
    _people(2, body)
    # A person with two seats is one person in a role.
    both = PersonFactory()
    RoleFactory(person=both, body=body, start=START)
    RoleFactory(person=both, body=BodyFactory(), start=START)
    numbers, few = _numbers(client)
    assert numbers == {
        "Lidgemeenten": "3",
        "Andere leden": "2",
        "Gremia": "2",
        "Mensen met een rol": "3",
    }

    _cities(40)
    _people(40, body)
    for _ in range(5):
        BodyFactory()
    numbers, many = _numbers(client)
    assert numbers == {
        "Lidgemeenten": "meer dan 3",
        "Andere leden": "2",
        "Gremia": "meer dan 3",
        "Mensen met een rol": "meer dan 3",
    }
    assert len(many) == len(few)
    # One statement counts all four, each in a subquery that stops at cap + 1.
    counting = [sql for sql in many if sql.count("COUNT(") == 4]
    assert len(counting) == 1
    assert re.findall(r"LIMIT 4\b", counting[0]) == ["LIMIT 4"] * 4


def test_the_figures_hold_only_the_bodies_the_viewer_may_see(client: Client, settings: Any) -> None:
    settings.KOEPEL_COUNT_CAP = 3
    public = BodyFactory(name="Bestuur")
    hidden = [BodyFactory(visibility="restricted") for _ in range(3)]
    _people(2, public)
    for body in hidden:
        _people(2, body)
    numbers, _ = _numbers(client)
    assert numbers["Gremia"] == "1" and numbers["Mensen met een rol"] == "2"

    client.force_login(UserFactory(office=True))
    numbers, _ = _numbers(client)
    assert numbers["Gremia"] == "meer dan 3" and numbers["Mensen met een rol"] == "meer dan 3"


def test_the_figures_are_counted_once_until_the_register_changes(client: Client) -> None:
    _cities(2)
    first, counted = _numbers(client)
    again, kept = _numbers(client)
    assert again == first and first["Lidgemeenten"] == "2"
    assert len(kept) < len(counted)
    assert not [sql for sql in kept if "COUNT(" in sql and "LIMIT" in sql]

    _cities(1)
    changed, _ = _numbers(client)
    assert changed["Lidgemeenten"] == "3"
