"""Notices and digests with the clock moved: each item once, in the right mail, only to those
who may read it."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django.core.management import call_command
from post_office.models import Email

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import ConsultationResponse, LobbyAction, Stage
from koepel.meetings import services as meetings
from koepel.meetings.models import AMSTERDAM, Meeting
from koepel.notices.models import Delivery, Frequency, Preferences
from koepel.notices.sending import run
from koepel.registry.models import Body, Person
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    MunicipalityFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db

# Tuesday 8 January 2030, in Amsterdam.
TUESDAY = dt.datetime(2030, 1, 8, 10, 0, tzinfo=AMSTERDAM)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2030, 1, day, hour, minute, tzinfo=AMSTERDAM)


@dataclass
class World:
    body: Body
    other: Body
    office: User
    member: Person
    outsider: Person
    secretary: Person


def _person(name: str, body: Body, **extra: object) -> Person:
    person = PersonFactory(name=name, email=f"{name.lower()}@example.nl", **extra)
    RoleFactory(person=person, body=body)
    UserFactory(person=person)
    return person


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(TUESDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def world(clock: time_machine.Coordinates) -> World:
    body = BodyFactory(name="Wonen", slug="wonen")
    other = BodyFactory(name="Economie", slug="economie")
    secretary = PersonFactory(name="Sanne", email="sanne@example.nl")
    RoleFactory(person=secretary, body=body, secretary=True)
    UserFactory(person=secretary)
    world = World(
        body=body,
        other=other,
        office=UserFactory(office=True),
        member=_person("Mila", body),
        outsider=_person("Otto", other),
        secretary=secretary,
    )
    assert run() == {"events": 0, "immediately": 0, "digests": 0}  # the first look
    return world


def _plan(world: World, title: str, *, visibility: str = "body", day: int = 20) -> Meeting:
    return meetings.meeting_plan(
        actor=world.office,
        bodies=[world.body],
        title=title,
        kind="themasessie",
        level="ambtelijk",
        format="online",
        date=dt.date(2030, 1, day),
        date_precision="day",
        visibility=visibility,
    )


def _mails_to(person: Person) -> list[Email]:
    return [mail for mail in Email.objects.order_by("pk") if person.email in mail.to]


def test_a_new_meeting_arrives_once_in_the_next_daily_digest(
    world: World, clock: time_machine.Coordinates
) -> None:
    _plan(world, "Woondeal bespreken")
    clock.move_to(at(8, 12))
    run()
    assert _mails_to(world.member) == []  # meetings come in the daily digest by default
    clock.move_to(at(9, 6, 59))
    run()
    assert _mails_to(world.member) == []  # not before seven
    clock.move_to(at(9, 7, 5))
    run()
    (digest,) = _mails_to(world.member)
    assert digest.subject == "Uw dagelijks overzicht: 1 melding"
    assert "Woondeal bespreken" in digest.message and "Nieuwe bijeenkomst" in digest.message
    assert "Woondeal bespreken" in digest.html_message
    for moment in (at(9, 12), at(10, 7, 5), at(14, 7, 5)):
        clock.move_to(moment)
        run()
    assert len(_mails_to(world.member)) == 1  # never again
    assert _mails_to(world.outsider) == []  # not of their body


def test_a_change_is_one_more_item_and_many_items_are_one_mail(
    world: World, clock: time_machine.Coordinates
) -> None:
    first = _plan(world, "Eerste overleg")
    _plan(world, "Tweede overleg", day=21)
    clock.move_to(at(8, 12))
    run()  # the worker looks every half minute
    clock.move_to(at(9, 7, 5))
    run()
    (digest,) = _mails_to(world.member)
    assert digest.subject == "Uw dagelijks overzicht: 2 meldingen"
    clock.move_to(at(9, 15))
    meetings.meeting_update(
        actor=world.office, meeting=first, version=first.version, location="Utrecht"
    )
    clock.move_to(at(9, 15, 1))
    run()
    clock.move_to(at(10, 7, 5))
    run()
    changed = _mails_to(world.member)[1]
    assert "Bijeenkomst gewijzigd" in changed.message and "Eerste overleg" in changed.message
    assert "Tweede overleg" not in changed.message
    assert len(_mails_to(world.member)) == 2


def test_a_restricted_meeting_never_reaches_an_outsider(
    world: World, clock: time_machine.Coordinates
) -> None:
    """Mila has a seat in the body, but a restricted meeting is for those named on it: it
    reaches its secretary and never Mila's digest."""
    _plan(world, "Vertrouwelijk overleg", visibility="restricted")
    clock.move_to(at(8, 12))
    run()
    clock.move_to(at(9, 7, 5))
    run()
    assert _mails_to(world.member) == [] and _mails_to(world.outsider) == []
    (digest,) = _mails_to(world.secretary)
    assert "Vertrouwelijk overleg" in digest.message


def test_documents_wait_for_the_weekly_digest_on_monday(
    world: World, clock: time_machine.Coordinates
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from koepel.library import services as library

    library.document_create(
        actor=world.office,
        title="Woonvisie 2030",
        slug="woonvisie-2030",
        kind="rapport",
        date=dt.date(2030, 1, 8),
        visibility="body",
        bodies=[world.body],
        file=SimpleUploadedFile("visie.md", b"# Visie\n\nWonen.\n", "text/markdown"),
    )
    for moment in (at(8, 12), at(9, 7, 5), at(13, 23)):
        clock.move_to(moment)
        run()
        assert _mails_to(world.member) == []
    clock.move_to(at(14, 7, 5))  # Monday
    run()
    (digest,) = _mails_to(world.member)
    assert digest.subject == "Uw wekelijks overzicht: 1 melding"
    assert "Woonvisie 2030" in digest.message
    clock.move_to(at(21, 7, 5))
    run()
    assert len(_mails_to(world.member)) == 1


def test_an_action_given_to_someone_reaches_them_at_once_and_once(
    world: World, clock: time_machine.Coordinates
) -> None:
    meeting = _plan(world, "Actieoverleg")
    clock.move_to(at(9, 7, 30))
    meetings.action_add(
        actor=world.office, meeting=meeting, description="Notitie schrijven", owner=world.member
    )
    clock.move_to(at(9, 8))
    run()
    (notice,) = _mails_to(world.member)
    assert notice.subject == "Actiepunt voor u: Notitie schrijven"
    run()
    # The next morning the meeting comes in the digest; the action does not come again.
    clock.move_to(at(10, 7, 5))
    run()
    assert len(_mails_to(world.member)) == 2
    assert "Notitie schrijven" not in _mails_to(world.member)[1].message
    assert Delivery.objects.filter(person=world.member).count() == 2


def test_what_happened_before_the_first_look_is_never_sent(clock: time_machine.Coordinates) -> None:
    body = BodyFactory()
    member = _person("Mila", body)
    office = UserFactory(office=True)
    meeting = meetings.meeting_plan(
        actor=office,
        bodies=[body],
        title="Oud nieuws",
        kind="themasessie",
        level="ambtelijk",
        format="online",
        date=dt.date(2030, 2, 1),
        date_precision="day",
    )
    meetings.action_add(actor=office, meeting=meeting, description="Oud", owner=member)
    for moment in (at(8, 12), at(9, 7, 5), at(14, 7, 5)):
        clock.move_to(moment)
        run()
    assert Email.objects.count() == 0


def test_someone_who_chose_not_at_all_hears_nothing_and_english_is_english(
    world: World, clock: time_machine.Coordinates
) -> None:
    Preferences.objects.create(person=world.member, meetings=Frequency.NEVER)
    world.secretary.language = "en"
    world.secretary.save()
    _plan(world, "Overleg")
    clock.move_to(at(8, 12))
    run()
    clock.move_to(at(9, 7, 5))
    run()
    assert _mails_to(world.member) == []
    (digest,) = _mails_to(world.secretary)
    assert digest.subject == "Your daily digest: 1 notification"
    assert "New meeting" in digest.message


def test_a_consultation_reaches_the_people_of_a_city_that_has_not_answered(
    world: World, clock: time_machine.Coordinates
) -> None:
    city = MunicipalityFactory(name="Zwolle")
    MembershipFactory(municipality=city)
    world.member.municipality = city
    world.member.save()
    lobby = LobbyAction.objects.create(
        title="Brief over woningbouw",
        kind="brief",
        date=dt.date(2030, 1, 8),
        stage=Stage.CONSULTATION,
        visibility="network",
    )
    lobby.bodies.set([world.body])
    clock.move_to(at(8, 11))
    run()
    (notice,) = _mails_to(world.member)
    assert "Brief over woningbouw" in notice.subject
    assert _mails_to(world.outsider) == []  # no city


def test_a_consultation_answered_before_the_digest_is_left_out(
    world: World, clock: time_machine.Coordinates
) -> None:
    city = MunicipalityFactory(name="Deventer")
    world.member.municipality = city
    world.member.save()
    Preferences.objects.create(person=world.member, consultations=Frequency.DAILY)
    lobby = LobbyAction.objects.create(
        title="Position paper", kind="brief", date=dt.date(2030, 1, 8), stage=Stage.CONSULTATION
    )
    lobby.bodies.set([world.body])
    clock.move_to(at(8, 11))
    run()
    ConsultationResponse.objects.create(action=lobby, municipality=city, answer="eens")
    clock.move_to(at(9, 7, 5))
    run()
    assert _mails_to(world.member) == []


def test_the_command_makes_one_pass(world: World, clock: time_machine.Coordinates) -> None:
    _plan(world, "Overleg")
    clock.move_to(at(8, 12))
    run()
    clock.move_to(at(9, 7, 5))
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    assert "overzichten verstuurd" in out.getvalue()
    assert len(_mails_to(world.member)) == 1
