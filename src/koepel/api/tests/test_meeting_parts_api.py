"""The parts of a meeting change through the API by the service the change pages use, with
its checks: an action stays with one of its meeting's bodies, text is trimmed as on the page,
and a removal takes the record's ETag. A cancelled meeting goes ahead after all as on its
page."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone
from icalendar import Calendar

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import ActionItem, Invitation, Meeting, Status
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


@pytest.mark.django_db
def test_an_action_changes_through_the_pages_service_and_keeps_to_its_meetings_bodies(
    api_as: Any,
) -> None:
    body = BodyFactory(name="Themagroep Sterke Keten", slug="sterke-keten")
    BodyFactory(name="Themagroep Wonen", slug="wonen")
    secretary = PersonFactory(name="Sanne Secretaris")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    meeting = MeetingFactory(bodies=[body], visibility="network")
    action = ActionItem.objects.create(meeting=meeting, body=body, description="Nabellen")
    api = api_as(UserFactory(person=secretary))
    url = f"/api/v1/bijeenkomsten/{meeting.pk}/actiepunten/{action.pk}"
    etag = api.get(url)["ETag"]

    refused = api.patch(url, {"gremium": "wonen"}, **{"If-Match": etag})
    assert refused.status_code == 400, refused.content
    assert "Kies een van de gremia van deze bijeenkomst." in refused.content.decode()

    changed = api.patch(url, {"omschrijving": "  Nabellen via de API  "}, **{"If-Match": etag})
    assert changed.status_code == 200, changed.content
    action.refresh_from_db()
    assert action.description == "Nabellen via de API" and action.body == body
    assert action.version == 2

    gone = api.delete(url, **{"If-Match": api.get(url)["ETag"]})
    assert gone.status_code == 204
    assert not ActionItem.objects.filter(pk=action.pk).exists()


@pytest.mark.django_db
def test_a_cancelled_meeting_goes_ahead_after_all_through_the_api(
    api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = BodyFactory()
    secretary = PersonFactory(name="Sanne Secretaris")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    anna = PersonFactory(name="Anna Ambtenaar", email="anna@example.nl")
    meeting = MeetingFactory(
        bodies=[body], visibility="network", date=timezone.localdate() + dt.timedelta(days=9)
    )
    Invitation.objects.create(meeting=meeting, person=anna)
    api = api_as(UserFactory(person=secretary))
    url = f"/api/v1/bijeenkomsten/{meeting.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        api.patch(url, {"status": "geannuleerd"}, **{"If-Match": api.get(url)["ETag"]})
        answer = api.patch(url, {"status": "gepland"}, **{"If-Match": api.get(url)["ETag"]})
    assert answer.status_code == 200, answer.content
    meeting.refresh_from_db()
    assert meeting.status == Status.PLANNED and meeting.sequence == 2
    methods = [str(Calendar.from_ical(m.attachments[0][1])["METHOD"]) for m in mail.outbox]
    assert methods == ["CANCEL", "REQUEST"]
    # A meeting that was held does not go back.
    Meeting.objects.filter(pk=meeting.pk).update(status=Status.HELD)
    refused = api.patch(url, {"status": "gepland"}, **{"If-Match": api.get(url)["ETag"]})
    assert refused.status_code == 400
