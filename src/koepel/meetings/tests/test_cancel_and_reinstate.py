"""Cancelling a meeting asks first and says who will be mailed; only the POST from that page
cancels. A cancelled meeting can go ahead after all: its invitees get a new iTIP REQUEST whose
SEQUENCE is above the cancellation's, each in their own language."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from koepel.accounts.tests.factories import UserFactory
from koepel.core.tests.forms import CONFLICT, form_data
from koepel.meetings import services
from koepel.meetings.models import Answer, Invitation, Meeting, Status
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Themagroep Sterke Keten", slug="sterke-keten")
    other_body = BodyFactory(name="Themagroep Wonen", slug="wonen")
    anna = PersonFactory(name="Anna Ambtenaar", email="anna@example.nl", language="nl")
    willem = PersonFactory(name="Willem Wethouder", email="willem@example.nl", language="en")
    karel = PersonFactory(name="Karel Zonderadres", email="")
    for person in (anna, willem, karel):
        RoleFactory(person=person, body=body, function="lid")
    secretary = PersonFactory(name="Sanne Secretaris", email="sanne@example.nl")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    other = PersonFactory(name="Otto Andersecretaris", email="otto@example.nl")
    RoleFactory(person=other, body=other_body, function="ambtelijk_secretaris")
    meeting = MeetingFactory(
        title="Overleg Sterke Keten",
        bodies=[body],
        visibility="network",
        date=timezone.localdate() + dt.timedelta(days=20),
    )
    for person in (anna, willem, karel):
        Invitation.objects.create(meeting=meeting, person=person)
    Invitation.objects.filter(meeting=meeting, person=willem).update(answer=Answer.COMING)
    return {
        "meeting": meeting,
        "secretary": UserFactory(person=secretary),
        "other_secretary": UserFactory(person=other),
        "member": UserFactory(person=anna),
    }


def _client(user: Any = None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _text(response: Any) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def _itip(message: Any) -> tuple[str, int, str]:
    [(_, data, mimetype)] = message.attachments
    event = Calendar.from_ical(data).walk("VEVENT")[0]
    calendar = Calendar.from_ical(data)
    assert mimetype == f"text/calendar; method={calendar['METHOD']}"
    return str(calendar["METHOD"]), int(event["SEQUENCE"]), str(event["STATUS"])


def test_opening_cancel_says_who_is_mailed_and_changes_nothing(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = world["meeting"]
    client = _client(world["secretary"])
    page = client.get(reverse("meetings:meeting", args=[meeting.pk]))
    # The meeting page links to the confirmation; it holds no form that cancels at once.
    cancel_url = reverse("meetings:cancel", args=[meeting.pk])
    soup = BeautifulSoup(page.content, "html.parser")
    assert soup.find("a", href=cancel_url)
    assert not soup.find("form", action=cancel_url)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(cancel_url)
    assert response.status_code == 200
    text = _text(response)
    assert "Overleg Sterke Keten annuleren?" in text
    assert "2 genodigden krijgen een e-mail dat de bijeenkomst niet doorgaat." in text
    assert "1 genodigde heeft geen e-mailadres en krijgt geen bericht: Karel Zonderadres." in text
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.status == Status.PLANNED and meeting.sequence == 0


def test_cancel_then_reinstate_mails_cancel_then_a_newer_request(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = world["meeting"]
    client = _client(world["secretary"])
    cancel_url = reverse("meetings:cancel", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            cancel_url, form_data(client.get(cancel_url).content, "confirm-form")
        )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == Status.CANCELLED
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@example.nl", "willem@example.nl"]
    assert {_itip(m) for m in mail.outbox} == {("CANCEL", 1, "CANCELLED")}
    mail.outbox.clear()

    # The cancelled meeting's page offers the way back, and that page asks first too.
    reinstate_url = reverse("meetings:reinstate", args=[meeting.pk])
    page = client.get(meeting.get_absolute_url())
    assert BeautifulSoup(page.content, "html.parser").find("a", href=reinstate_url)
    with django_capture_on_commit_callbacks(execute=True):
        confirm = client.get(reinstate_url)
    text = _text(confirm)
    assert "Overleg Sterke Keten toch laten doorgaan?" in text
    assert "2 genodigden krijgen een e-mail dat de bijeenkomst toch doorgaat." in text
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reinstate_url, form_data(confirm.content, "confirm-form"), follow=True
        )
    assert "De bijeenkomst gaat toch door. De genodigden krijgen bericht." in _text(response)
    meeting.refresh_from_db()
    assert meeting.status == Status.PLANNED and meeting.sequence == 2
    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"anna@example.nl", "willem@example.nl"}
    for message in by_address.values():
        assert _itip(message) == ("REQUEST", 2, "CONFIRMED")
        # A REQUEST carries the link to answer again.
        assert "/uitnodiging/" in message.body
    assert by_address["anna@example.nl"].subject == "Gaat toch door: Overleg Sterke Keten"
    assert by_address["willem@example.nl"].subject == "Goes ahead after all: Overleg Sterke Keten"
    assert "was cancelled, but goes ahead after all" in by_address["willem@example.nl"].body
    # Answers given before the cancellation stay as they were.
    assert meeting.invitations.get(person__name="Willem Wethouder").answer == Answer.COMING


def test_reinstating_a_meeting_that_is_over_mails_nobody(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    meeting = world["meeting"]
    Meeting.objects.filter(pk=meeting.pk).update(
        status=Status.CANCELLED, date=timezone.localdate() - dt.timedelta(days=3)
    )
    client = _client(world["secretary"])
    url = reverse("meetings:reinstate", args=[meeting.pk])
    confirm = client.get(url)
    assert "Niemand krijgt een e-mail: de bijeenkomst is al voorbij." in _text(confirm)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, form_data(confirm.content, "confirm-form"))
    meeting.refresh_from_db()
    assert meeting.status == Status.PLANNED
    assert mail.outbox == []


def test_a_stale_confirmation_does_not_cancel(world: dict[str, Any]) -> None:
    meeting = world["meeting"]
    client = _client(world["secretary"])
    url = reverse("meetings:cancel", args=[meeting.pk])
    stale = form_data(client.get(url).content, "confirm-form")
    services.meeting_update(
        actor=world["secretary"], meeting=meeting, version=meeting.version, location="Zwolle"
    )
    response = client.post(url, stale, follow=True)
    assert CONFLICT in _text(response)
    meeting.refresh_from_db()
    assert meeting.status == Status.PLANNED


def test_only_the_right_step_is_offered(world: dict[str, Any]) -> None:
    meeting = world["meeting"]
    client = _client(world["secretary"])
    url = reverse("meetings:reinstate", args=[meeting.pk])
    response = client.post(url, {"version": meeting.version}, follow=True)
    assert "Alleen een geannuleerde bijeenkomst kan toch doorgaan." in _text(response)
    meeting.refresh_from_db()
    assert meeting.status == Status.PLANNED


@pytest.mark.parametrize("who", ["other_secretary", "member", "visitor"])
def test_only_who_may_change_the_meeting_cancels_or_reinstates(
    world: dict[str, Any], who: str
) -> None:
    meeting = world["meeting"]
    client = _client(world.get(who))
    for name in ("cancel", "reinstate"):
        url = reverse(f"meetings:{name}", args=[meeting.pk])
        for response in (client.get(url), client.post(url, {"version": meeting.version})):
            if who == "visitor":
                assert response.status_code == 302
                assert response["Location"].startswith(reverse("accounts:login"))
            else:
                assert response.status_code == 403
    meeting.refresh_from_db()
    assert meeting.status == Status.PLANNED
