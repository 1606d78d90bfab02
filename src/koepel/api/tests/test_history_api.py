"""Fields the API used to drop are stored, through the services and checks of the pages: a
meeting of the past recorded as held with who came, an invitation with its attendance, a
letter recorded as adopted and sent on a day of the past."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.core import mail

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import LobbyAction, Stage
from koepel.api.tests.conftest import ApiClient
from koepel.meetings.models import Invitation, Meeting, Status
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

MakeClient = Callable[..., ApiClient]

MARCH_MEETING = {
    "titel": "Overleg in maart",
    "soort": "themasessie",
    "niveau": "bestuurlijk",
    "vorm": "fysiek",
    "datum": "2021-03-10",
    "gremia": ["wonen"],
}


@pytest.fixture
def group(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Themagroep Wonen", slug="wonen")
    secretary = PersonFactory(name="Sanne Secretaris", email="sanne@example.nl")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    # A chair who left in June 2021: in the chair at a meeting in March, not today.
    chair = PersonFactory(name="Carla Voorzitter", slug="carla", email="carla@example.nl")
    RoleFactory(person=chair, body=body, function="voorzitter", end=dt.date(2021, 6, 30))
    return {"body": body, "secretary": UserFactory(person=secretary), "chair": chair}


def test_a_meeting_of_the_past_is_recorded_as_held_with_who_came(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    api = api_as(group["secretary"])
    held = api.post("/api/v1/bijeenkomsten", {**MARCH_MEETING, "status": "gehouden"})
    assert held.status_code == 201, held.json()
    assert held.json()["status"] == "gehouden"
    assert Meeting.objects.get().status == Status.HELD

    came = api.post(f"{held['Location']}/uitnodigingen", {"persoon": "carla", "aanwezig": True})
    assert came.status_code == 201, came.json()
    assert came.json()["aanwezig"] is True
    invitation = Invitation.objects.get()
    assert (invitation.person, invitation.present) == (group["chair"], True)
    # Recording who came to a meeting held long ago sends nobody an invitation.
    assert mail.outbox == []


def test_who_may_be_invited_follows_the_meetings_date_not_today(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    api = api_as(group["secretary"])
    later = api.post("/api/v1/bijeenkomsten", {**MARCH_MEETING, "datum": "2021-09-14"})
    refused = api.post(f"{later['Location']}/uitnodigingen", {"persoon": "carla"})
    assert refused.status_code == 400
    assert "Carla Voorzitter" in refused.json()["detail"]
    assert not Invitation.objects.exists()


def test_a_meeting_is_called_off_as_it_is_made(api_as: MakeClient, group: dict[str, Any]) -> None:
    made = api_as(group["secretary"]).post(
        "/api/v1/bijeenkomsten", {**MARCH_MEETING, "status": "geannuleerd"}
    )
    assert made.status_code == 201, made.json()
    assert Meeting.objects.get().status == Status.CANCELLED


def test_an_answer_given_for_someone_else_is_refused_not_dropped(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    api = api_as(group["secretary"])
    meeting = api.post("/api/v1/bijeenkomsten", MARCH_MEETING)
    answered = api.post(
        f"{meeting['Location']}/uitnodigingen", {"persoon": "carla", "antwoord": "komt"}
    )
    assert answered.status_code == 403
    assert not Invitation.objects.exists()


LETTER = {
    "titel": "Brief over de woningbouw",
    "soort": "brief",
    "datum": "2021-04-02",
    "gremia": ["wonen"],
    "zichtbaarheid": "network",
}


def test_a_letter_of_the_past_is_recorded_as_adopted_and_sent(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    sent = api_as(group["secretary"]).post(
        "/api/v1/lobbyacties",
        {**LETTER, "fase": "verzonden", "vastgesteldDoor": "wonen", "vastgesteldOp": "2021-03-30"},
    )
    assert sent.status_code == 201, sent.json()
    shown = sent.json()
    assert (shown["fase"], shown["datum"], shown["vastgesteldDoor"], shown["vastgesteldOp"]) == (
        "verzonden",
        "2021-04-02",
        "wonen",
        "2021-03-30",
    )
    action = LobbyAction.objects.get()
    assert (action.stage, action.date, action.adopted_by) == (
        Stage.SENT,
        dt.date(2021, 4, 2),
        group["body"],
    )


def test_a_letter_moves_on_through_its_stages_and_never_back(
    api_as: MakeClient, group: dict[str, Any]
) -> None:
    api = api_as(group["secretary"])
    url = api.post("/api/v1/lobbyacties", LETTER)["Location"]
    unsaid = api.change("patch", url, {"fase": "vastgesteld"})
    assert unsaid.status_code == 400
    assert {p["name"] for p in unsaid.json()["invalidParams"]} == {
        "vastgesteldDoor",
        "vastgesteldOp",
    }
    adopted = api.change(
        "patch",
        url,
        {"fase": "vastgesteld", "vastgesteldDoor": "wonen", "vastgesteldOp": "2021-03-30"},
    )
    assert adopted.status_code == 200, adopted.json()
    assert LobbyAction.objects.get().stage == Stage.ADOPTED
    back = api.change("patch", url, {"fase": "concept"})
    assert back.status_code == 400
    assert back.json()["invalidParams"][0]["name"] == "fase"
    # Sending needs the day it was sent, not only the month.
    vague = api.change("patch", url, {"fase": "verzonden", "datum": "2021-04"})
    assert vague.status_code == 400
    assert vague.json()["invalidParams"][0]["name"] == "datum"
    assert LobbyAction.objects.get().stage == Stage.ADOPTED
    sent = api.change("patch", url, {"fase": "verzonden", "datum": "2021-04-02"})
    assert sent.status_code == 200, sent.json()
    assert LobbyAction.objects.get().stage == Stage.SENT
    # Who adopted it is part of the adoption; it is not rewritten afterwards.
    other = BodyFactory(slug="bestuur")
    RoleFactory(person=group["secretary"].person, body=other, function="ambtelijk_secretaris")
    rewritten = api.change("patch", url, {"vastgesteldDoor": "bestuur"})
    assert rewritten.status_code == 400
    assert rewritten.json()["invalidParams"][0]["name"] == "vastgesteldDoor"
