"""A guest from outside the network, with an account, invited to a meeting: seen through the
pages as they get them.

The guest is a civil servant of a ministry with a seat in an outside steering group that
meets with one of the network's theme groups. The meeting is for the network's members; the
guest is no member, but is invited, and so sees that meeting, their own invitation on "Mijn
werk", and answers it there. Nothing else of the network's closed records opens to them, nor
does the invitation to anyone else: another outsider of the same steering group sees none of it.
"""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from koepel.accounts.access import SYSTEM
from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.meetings import services
from koepel.meetings.models import Answer, Invitation, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network, Person
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory
from koepel.search import index

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TITLE = "Overleg woningbouwimpuls met het Rijk"


@pytest.fixture
def world() -> dict[str, object]:
    Network.objects.create(name="Testnetwerk", short_name="TN")
    wonen = BodyFactory(name="Themagroep Wonen", slug="wonen", visibility="network")
    steering = BodyFactory(name="Stuurgroep Woningbouw", slug="stuurgroep", external=True)
    guest = PersonFactory(name="Mila Ministerie", email="mila@minbzk.example")
    other = PersonFactory(name="Otto Buiten", email="otto@minbzk.example")
    member = PersonFactory(name="Wim Wonen", email="wim@wonen.example")
    start = TODAY - dt.timedelta(days=365)
    for person, body in [(guest, steering), (other, steering), (member, wonen)]:
        RoleFactory(person=person, body=body, start=start)
    day = TODAY + dt.timedelta(days=10)
    meeting = MeetingFactory(title=TITLE, bodies=[wonen, steering], date=day, visibility="network")
    internal = MeetingFactory(
        title="Intern overleg woningbouw", bodies=[wonen], date=day, visibility="network"
    )
    closed = MeetingFactory(
        title="Besloten overleg woningbouw", bodies=[wonen], date=day, visibility="restricted"
    )
    # Invited as the office invites, through the service: the guest and the member to the
    # meeting with the Rijk, the member alone to the closed one.
    services.meeting_invite(actor=SYSTEM, meeting=meeting, people=[guest, member])
    services.meeting_invite(actor=SYSTEM, meeting=closed, people=[member])
    for record in Meeting.objects.all():
        index.update(record)
    return {
        "meeting": meeting,
        "internal": internal,
        "closed": closed,
        "guest": UserFactory(person=guest),
        "other": UserFactory(person=other),
        "member": member,
    }


def _signed_in(client: Client, user: object) -> Client:
    assert isinstance(user, User)
    client.force_login(user)
    return client


def _text(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    main = BeautifulSoup(response.content, "html.parser").select_one("main")
    assert main is not None
    return " ".join(main.get_text().split())


def _panels(client: Client) -> dict[str, str]:
    page = BeautifulSoup(client.get("/mijn-werk/").content, "html.parser")
    return {
        section["aria-labelledby"].removeprefix("panel-"): " ".join(section.get_text().split())
        for section in page.select("section.work-panel")
    }


def test_the_guest_sees_and_answers_their_own_invitation(
    world: dict[str, object], client: Client
) -> None:
    meeting = world["meeting"]
    assert isinstance(meeting, Meeting)
    _signed_in(client, world["guest"])

    panels = _panels(client)
    assert TITLE in panels["uitnodigingen"]
    assert TITLE in panels["bijeenkomsten"]

    page = _text(client, meeting.get_absolute_url())
    assert TITLE in page and "Uw antwoord" in page
    # Who else was invited, and what they answered, stays the network's.
    assert "Wim Wonen" not in page

    answered = client.post(
        f"/bijeenkomsten/{meeting.pk}/antwoord/", {"answer": "komt", "note": "met een collega"}
    )
    assert answered.status_code == 302
    invitation = Invitation.objects.get(meeting=meeting, person__name="Mila Ministerie")
    assert invitation.answer == Answer.COMING and invitation.note == "met een collega"
    assert TITLE not in _panels(client)["uitnodigingen"]
    assert "Uw antwoord: komt." in _text(client, meeting.get_absolute_url())


def test_the_guest_sees_nothing_else_of_the_network(
    world: dict[str, object], client: Client
) -> None:
    _signed_in(client, world["guest"])
    for name in ("internal", "closed"):
        other = world[name]
        assert isinstance(other, Meeting)
        assert client.get(other.get_absolute_url()).status_code == 404
    panels = " ".join(_panels(client).values())
    assert "Intern overleg" not in panels and "Besloten overleg" not in panels
    found = _text(client, "/zoeken/?q=overleg")
    assert TITLE in found
    assert "Intern overleg" not in found and "Besloten overleg" not in found
    # The theme group is the network's, and so are its people: the member invited with them too.
    assert client.get("/gremia/wonen/").status_code == 404
    member = world["member"]
    assert isinstance(member, Person)
    assert client.get(member.get_absolute_url()).status_code == 404


def test_another_outsider_does_not_see_the_guests_invitation(
    world: dict[str, object], client: Client
) -> None:
    meeting = world["meeting"]
    assert isinstance(meeting, Meeting)
    _signed_in(client, world["other"])
    panels = " ".join(_panels(client).values())
    assert TITLE not in panels
    assert client.get(meeting.get_absolute_url()).status_code == 404
    refused = client.post(f"/bijeenkomsten/{meeting.pk}/antwoord/", {"answer": "komt"})
    assert refused.status_code == 404
    assert Invitation.objects.get(meeting=meeting, person__name="Mila Ministerie").answer == (
        Answer.INVITED
    )
    assert TITLE not in _text(client, "/zoeken/?q=overleg")
