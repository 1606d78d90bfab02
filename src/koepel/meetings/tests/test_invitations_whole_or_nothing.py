"""Inviting is whole or nothing: an invitation is saved only with its e-mail queued, and an
e-mail that cannot be sent leaves nobody marked as invited. A title stored with a line break
(from before titles were refused with one) still makes a mail with a subject of one line."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from icalendar import Calendar
from post_office.models import STATUS, Email

from koepel.accounts.tests.factories import UserFactory
from koepel.api import services as api_services
from koepel.api.tests.conftest import ApiClient
from koepel.meetings.models import Invitation, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Person
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


@pytest.fixture
def meeting(db: None) -> Meeting:
    body = BodyFactory(name="Themagroep Sterke Keten", slug="sterke-keten")
    for name, slug in (("Willem Wethouder", "willem"), ("Anna Ambtenaar", "anna")):
        member = PersonFactory(name=name, slug=slug, email=f"{slug}@example.nl")
        RoleFactory(person=member, body=body, function="lid")
    meeting: Meeting = MeetingFactory(title="Overleg", bodies=[body], visibility="network")
    return meeting


@pytest.fixture
def secretary(meeting: Meeting) -> Any:
    person = PersonFactory(name="Sanne Secretaris", email="sanne@example.nl")
    RoleFactory(person=person, body=meeting.bodies.get(), function="ambtelijk_secretaris")
    return UserFactory(person=person)


def _invite(secretary: Any, meeting: Meeting, slugs: list[str]) -> Any:
    client = Client()
    client.force_login(secretary)
    people = [Person.objects.get(slug=slug).pk for slug in slugs]
    return client.post(
        reverse("meetings:invite", args=[meeting.pk]), {"people": people, "confirmed": "1"}
    )


def _errors(response: Any) -> str:
    page = BeautifulSoup(response.content, "html.parser")
    return " ".join(" ".join(e.get_text() for e in page.select(".form-errors")).split())


def test_a_title_stored_with_a_line_break_still_gives_a_mail_of_one_subject_line(
    meeting: Meeting, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(title="Bestuurlijk overleg\r\nSterke Keten")
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(secretary, meeting, ["willem", "anna"])
    assert response.status_code == 302
    assert Invitation.objects.filter(meeting=meeting).count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == [
        "anna@example.nl",
        "willem@example.nl",
    ]
    for message in mail.outbox:
        assert message.message()["Subject"] == "Uitnodiging: Bestuurlijk overleg Sterke Keten"
        calendar = Calendar.from_ical(message.attachments[0][1])
        assert calendar["X-WR-CALNAME"] == "Bestuurlijk overleg Sterke Keten"
        # The event keeps the title as stored: iCalendar escapes a line break in a summary.
        summary = str(calendar.walk("VEVENT")[0]["SUMMARY"])
        assert "\n" in summary and summary.split() == ["Bestuurlijk", "overleg", "Sterke", "Keten"]
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}


def test_a_mail_that_cannot_be_sent_leaves_nobody_invited_and_a_retry_works(
    meeting: Meeting, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # An address that passed no form (stored directly): it would break the mail's header.
    Person.objects.filter(slug="anna").update(email="anna@example.nl\nBcc: iemand@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(secretary, meeting, ["willem", "anna"])
    assert response.status_code == 200
    assert (
        "Het e-mailbericht aan Anna Ambtenaar kan niet worden verstuurd: controleer het "
        "e-mailadres van deze persoon. Er is niets opgeslagen."
    ) in _errors(response)
    assert not Invitation.objects.exists()
    assert not Email.objects.exists() and mail.outbox == []

    Person.objects.filter(slug="anna").update(email="anna@example.nl")
    with django_capture_on_commit_callbacks(execute=True):
        response = _invite(secretary, meeting, ["willem", "anna"])
    assert response.status_code == 302
    assert Invitation.objects.filter(meeting=meeting).count() == 2
    assert len(mail.outbox) == 2


def test_through_the_api_as_well(
    meeting: Meeting, secretary: Any, django_capture_on_commit_callbacks: Any
) -> None:
    Person.objects.filter(slug="anna").update(email="anna@example.nl\r\nX-Kop: ja")
    # A secretary signs in with two steps; their token acts once they have set that up.
    TOTPDevice.objects.create(user=secretary, name="app", confirmed=True)
    _, token = api_services.token_create(user=secretary, name="agenda")
    api = ApiClient(token)
    url = f"/api/v1/bijeenkomsten/{meeting.pk}/uitnodigingen"
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(url, {"persoon": "anna"})
    assert answer.status_code == 400
    assert "Er is niets opgeslagen" in str(answer.json())
    assert not Invitation.objects.exists() and not Email.objects.exists()
    Person.objects.filter(slug="anna").update(email="anna@example.nl")
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post(url, {"persoon": "anna"}).status_code == 201
    assert [message.to for message in mail.outbox] == [["anna@example.nl"]]
