"""Inviting people on the meeting page or through the API opens no connection to the mail
server: the request queues one e-mail per person and hands one task to the worker, which
delivers them afterwards to a real SMTP server, with the meeting attached as .ics."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from icalendar import Calendar
from post_office.models import STATUS, Email

from koepel.accounts.tests.factories import UserFactory
from koepel.api import services as api_services
from koepel.api.tests.conftest import ApiClient, with_second_factor
from koepel.core.tests.smtp import count_smtp_connections, deliver_by_smtp, smtp_server
from koepel.meetings.models import Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Person
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def meeting() -> Meeting:
    body = BodyFactory(name="Themagroep Sterke Keten", slug="sterke-keten")
    for name, slug in (("Willem Wethouder", "willem"), ("Anna Ambtenaar", "anna")):
        member = PersonFactory(name=name, slug=slug, email=f"{slug}@example.nl")
        RoleFactory(person=member, body=body, function="lid")
    meeting: Meeting = MeetingFactory(
        title="Bestuurlijk overleg Sterke Keten", bodies=[body], visibility="network"
    )
    return meeting


@pytest.fixture
def secretary(meeting: Meeting) -> Any:
    person = PersonFactory(name="Sanne Secretaris", email="sanne@example.nl")
    RoleFactory(person=person, body=meeting.bodies.get(), function="ambtelijk_secretaris")
    return UserFactory(person=person)


def _check_delivered(inbox: Any, meeting: Meeting) -> None:
    assert sorted(inbox.recipients) == [["anna@example.nl"], ["willem@example.nl"]]
    for message in inbox.messages:
        assert message["Subject"] == "Uitnodiging: Bestuurlijk overleg Sterke Keten"
        assert meeting.get_absolute_url() in message.get_body(("plain",)).get_content()
        [calendar] = [part for part in message.iter_attachments()]
        assert calendar.get_content_type() == "text/calendar"
        assert calendar.get_param("method") == "REQUEST"
        assert calendar.get_filename() == "bijeenkomst.ics"
        event = Calendar.from_ical(calendar.get_content()).walk("VEVENT")[0]
        assert str(event["UID"]) == f"{meeting.uid}@koepel"
    assert set(Email.objects.values_list("status", flat=True)) == {STATUS.sent}


@pytest.mark.parametrize("way", ["page", "api"])
def test_an_invitation_is_queued_by_the_request_and_delivered_by_the_worker(
    way: str,
    meeting: Meeting,
    secretary: Any,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with smtp_server() as (inbox, port):
        deliver_by_smtp(settings, port)
        opened = count_smtp_connections(monkeypatch)
        people = ["willem", "anna"]
        if way == "page":
            client = Client()
            client.force_login(secretary)
            response = client.post(
                reverse("meetings:invite", args=[meeting.pk]),
                {
                    "people": [Person.objects.get(slug=slug).pk for slug in people],
                    "confirmed": "1",
                },
            )
            assert response.status_code == 302
        else:
            _, token = api_services.token_create(
                user=with_second_factor(secretary), name="agenda-app"
            )
            api = ApiClient(token)
            for slug in people:
                answer = api.post(
                    f"/api/v1/bijeenkomsten/{meeting.pk}/uitnodigingen", {"persoon": slug}
                )
                assert answer.status_code == 201, answer.json()

        assert opened == []
        assert inbox.messages == []
        assert Email.objects.filter(status=STATUS.queued).count() == 2
        # One task for each request that queued mail, however many messages it queued.
        requests = len(people) if way == "api" else 1
        assert DBTaskResult.objects.filter(status="READY").count() == requests

        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)

    assert opened == [("127.0.0.1", port)]  # the worker, one connection for both
    _check_delivered(inbox, meeting)
