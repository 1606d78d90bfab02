""" "Mijn werk" counts each panel up to the cap (``KOEPEL_COUNT_CAP``) and no further: past it
the panel says "more than …" and its full list too, below it the exact number of rows the
viewer may open; the count is a statement that stops at cap + 1 rows."""

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
from django.utils import timezone

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import ActionItem, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Body
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def _actions(n: int, owner: User, meeting: Meeting, body: Body) -> None:
    for i in range(n):
        ActionItem.objects.create(
            meeting=meeting,
            body=body,
            owner=owner.person,
            description=f"Actie {i}",
            due=TODAY + dt.timedelta(days=i),
        )


def _panel(client: Client, key: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("mywork:my-work"))
    assert response.status_code == 200
    section = BeautifulSoup(response.content, "html.parser").find(
        "section", attrs={"aria-labelledby": f"panel-{key}"}
    )
    return " ".join(section.get_text().split()), [q["sql"] for q in queries.captured_queries]


@pytest.fixture
def official(client: Client) -> tuple[User, Meeting, Body]:
    body = BodyFactory(name="Themagroep Wonen")
    person = PersonFactory(name="Olga Ambtenaar")
    RoleFactory(person=person, body=body)
    user = UserFactory(person=person)
    meeting = MeetingFactory(bodies=[body], date=TODAY - dt.timedelta(days=7), held=True)
    client.force_login(user)
    return user, meeting, body


def test_a_panel_past_the_cap_says_more_than_the_cap(
    client: Client, settings: Any, official: tuple[User, Meeting, Body]
) -> None:
    settings.KOEPEL_COUNT_CAP = 3
    user, meeting, body = official
    _actions(3, user, meeting, body)
    text, few = _panel(client, "acties")
    assert text.startswith("Mijn openstaande acties (3)")
    assert "Alle 3 tonen" in text

    _actions(30, user, meeting, body)
    text, many = _panel(client, "acties")
    assert text.startswith("Mijn openstaande acties (meer dan 3)")
    assert "Alle tonen" in text and "Alle 4 tonen" not in text
    assert len(many) == len(few)
    counted = [sql for sql in many if "COUNT(" in sql and '"meetings_actionitem"' in sql]
    assert counted and all(re.search(r"LIMIT 4\b", sql) for sql in counted)

    full = client.get(reverse("mywork:panel", args=["acties"]))
    lead = BeautifulSoup(full.content, "html.parser").select_one("p.lead")
    assert lead.get_text(strip=True) == "meer dan 3 in totaal."


def test_a_panel_counts_only_what_the_viewer_may_open(
    client: Client, settings: Any, official: tuple[User, Meeting, Body]
) -> None:
    """Actions of the person on a restricted meeting of a body they do not sit in are theirs,
    but not counted: the panel is exact below the cap, though there are more in all."""
    settings.KOEPEL_COUNT_CAP = 3
    user, meeting, body = official
    _actions(3, user, meeting, body)
    other = BodyFactory(name="Themagroep Zorg")
    secret = MeetingFactory(bodies=[other], restricted=True)
    _actions(5, user, secret, other)
    text, _ = _panel(client, "acties")
    assert text.startswith("Mijn openstaande acties (3)")


def test_the_office_panels_count_to_the_cap_too(client: Client, settings: Any) -> None:
    from post_office.models import STATUS, Email

    settings.KOEPEL_COUNT_CAP = 3
    client.force_login(UserFactory(office=True))
    for n in range(5):
        Email.objects.create(
            from_email="koepel@example.nl", to=[f"weg{n}@example.nl"], status=STATUS.failed
        )
    text, _ = _panel(client, "mislukte-mails")
    assert text.startswith("Mislukte e-mails (meer dan 3)")
