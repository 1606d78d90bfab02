"""The parts of a meeting change through the API by the service the change pages use, with
its checks: an action stays with one of its meeting's bodies, text is trimmed as on the page,
and a removal takes the record's ETag."""

from __future__ import annotations

from typing import Any

import pytest

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import ActionItem
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
