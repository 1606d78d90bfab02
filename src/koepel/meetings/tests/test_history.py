"""A meeting of the past is recorded with the people of then: who may be invited and recorded
as present follows the seats held on the meeting's date, never today's."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import Invitation, Meeting, Status
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


@pytest.fixture
def board(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Bestuur", slug="bestuur")
    secretary = PersonFactory(name="Sanne Secretaris")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    # The chair left in June; her successor came in July.
    former = PersonFactory(name="Fleur Vroeger")
    RoleFactory(
        person=former,
        body=body,
        function="voorzitter",
        start=dt.date(2020, 1, 1),
        end=dt.date(2021, 6, 30),
    )
    successor = PersonFactory(name="Nico Nieuw")
    RoleFactory(person=successor, body=body, function="voorzitter", start=dt.date(2021, 7, 1))
    march = MeetingFactory(
        title="Bestuursvergadering maart", date=dt.date(2021, 3, 15), status=Status.PLANNED
    )
    march.bodies.set([body])
    return {
        "body": body,
        "secretary": UserFactory(person=secretary),
        "former": former,
        "successor": successor,
        "march": march,
    }


def test_a_chair_who_left_in_june_can_be_invited_to_and_recorded_at_a_march_meeting(
    board: dict[str, Any], client: Client
) -> None:
    client.force_login(board["secretary"])
    meeting = board["march"]
    page = client.get(reverse("meetings:invite", args=[meeting.pk])).content.decode()
    assert "Fleur Vroeger" in page
    assert "Nico Nieuw" not in page  # not yet in the board in March

    response = client.post(
        reverse("meetings:invite", args=[meeting.pk]),
        {"people": [board["former"].pk], "confirmed": "1"},
    )
    assert response.status_code == 302
    client.post(
        reverse("meetings:close", args=[meeting.pk]),
        {"present": [board["former"].pk], "version": meeting.version},
    )
    invitation = Invitation.objects.get(meeting=meeting)
    assert invitation.person == board["former"]
    assert invitation.present is True
    assert Meeting.objects.get(pk=meeting.pk).status == Status.HELD


def test_someone_who_joined_after_the_meeting_is_refused_with_the_date_named(
    board: dict[str, Any], client: Client
) -> None:
    client.force_login(board["secretary"])
    meeting = board["march"]
    response = client.post(
        reverse("meetings:invite", args=[meeting.pk]),
        {"people": [board["successor"].pk], "confirmed": "1"},
    )
    assert response.status_code == 200
    assert "Nico Nieuw zat op de datum van deze bijeenkomst niet in de gremia ervan" in (
        response.content.decode()
    )
    assert not Invitation.objects.exists()


def test_a_meeting_known_only_to_the_month_counts_the_seats_of_that_whole_month(
    board: dict[str, Any], client: Client
) -> None:
    # Known only as "juni 2021": the chair who left on 30 June held her seat then.
    june = MeetingFactory(
        title="Bestuur juni",
        date=dt.date(2021, 6, 1),
        date_precision="month",
        start_time=None,
        end_time=None,
    )
    june.bodies.set([board["body"]])
    client.force_login(board["secretary"])
    response = client.post(
        reverse("meetings:invite", args=[june.pk]),
        {"people": [board["former"].pk], "confirmed": "1"},
    )
    assert response.status_code == 302
    assert Invitation.objects.filter(meeting=june, person=board["former"]).exists()
