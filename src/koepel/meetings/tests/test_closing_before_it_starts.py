"""A meeting is closed (held, with who was present) only once it has begun."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import Meeting, Status
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


@pytest.fixture
def secretary(db: None) -> tuple[Any, Any]:
    body = BodyFactory()
    person = PersonFactory()
    RoleFactory(person=person, body=body, function="ambtelijk_secretaris")
    return UserFactory(person=person), body


@pytest.mark.parametrize(
    "when", [dt.timedelta(days=30), dt.timedelta(hours=2)], ids=["next month", "later today"]
)
def test_a_meeting_that_has_not_begun_cannot_be_closed(
    secretary: tuple[Any, Any], client: Client, when: dt.timedelta
) -> None:
    user, body = secretary
    starts = timezone.localtime() + when
    if starts.date() != timezone.localdate() and when < dt.timedelta(days=1):
        pytest.skip("two hours from now is tomorrow; the other case covers the date")
    meeting = MeetingFactory(
        bodies=[body],
        date=starts.date(),
        start_time=starts.time().replace(microsecond=0),
        end_time=None,
        status=Status.PLANNED,
    )
    client.force_login(user)
    page = BeautifulSoup(
        client.get(reverse("meetings:close", args=[meeting.pk])).content, "html.parser"
    )
    assert "nog niet begonnen" in page.select_one("main").get_text()
    assert page.select_one("main form") is None  # nothing to fill in yet
    response = client.post(
        reverse("meetings:close", args=[meeting.pk]), {"present": []}, follow=True
    )
    assert "nog niet begonnen" in BeautifulSoup(response.content, "html.parser").get_text()
    assert Meeting.objects.get(pk=meeting.pk).status == Status.PLANNED


def test_a_meeting_of_the_past_is_closed(secretary: tuple[Any, Any], client: Client) -> None:
    user, body = secretary
    meeting = MeetingFactory(bodies=[body], date=dt.date(2021, 3, 1), status=Status.PLANNED)
    client.force_login(user)
    response = client.post(reverse("meetings:close", args=[meeting.pk]), {"present": []})
    assert response.status_code == 302
    assert Meeting.objects.get(pk=meeting.pk).status == Status.HELD
