"""What is recorded at a meeting is kept under a token of the meeting's bodies
(koepel.meetings.scopes): a write at one body's meeting is on the next request of that
meeting's page and its bodies' pages, and leaves the pages of every other body, and the
meetings list, kept. A change of a meeting itself, or a part moved from one body to another,
is on every page that shows it. Each test runs on the cache in this process's memory and on a
real Redis server (``kept_in``, conftest.py)."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from koepel.accounts.access import SYSTEM
from koepel.core.tests.test_kept_pages import DECISION_READ, LIST_READ, ROLES_READ, _get
from koepel.core.tests.test_kept_parts import _member
from koepel.meetings import services as meetings
from koepel.meetings.models import ActionItem, ActionStatus, Decision, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Body
from koepel.registry.tests.factories import BodyFactory

# What building a body's page reads that the rest of the request does not: its open actions.
ACTIONS_READ = '"meetings_actionitem"."description"'


def _two_bodies() -> tuple[Body, Body, Meeting, Meeting, Client]:
    water = BodyFactory(name="Werkgroep Water", slug="water")
    lucht = BodyFactory(name="Werkgroep Lucht", slug="lucht")
    at_water = MeetingFactory(title="Sessie over dijken", bodies=[water], date=dt.date(2021, 3, 1))
    at_lucht = MeetingFactory(
        title="Sessie over fijnstof", bodies=[lucht], date=dt.date(2021, 3, 2)
    )
    return water, lucht, at_water, at_lucht, _member("Anna Appelboom", water, lucht)


def test_a_decision_at_one_bodys_meeting_leaves_the_other_bodys_pages_kept(
    db: None, kept_in: str
) -> None:
    water, _, at_water, at_lucht, anna = _two_bodies()
    pages = {
        "water meeting": (f"/bijeenkomsten/{at_water.pk}/", DECISION_READ),
        "lucht meeting": (f"/bijeenkomsten/{at_lucht.pk}/", DECISION_READ),
        "water body": ("/gremia/water/", ROLES_READ),
        "lucht body": ("/gremia/lucht/", ROLES_READ),
        "list": ("/bijeenkomsten/?wanneer=past", LIST_READ),
    }
    for path, read in pages.values():
        _get(anna, path, read)

    Decision.objects.create(meeting=at_water, text="De dijken worden verhoogd.")
    ActionItem.objects.create(meeting=at_water, body=water, description="Dijkplan schrijven")

    page, built, _ = _get(anna, *pages["water meeting"])
    assert built and "De dijken worden verhoogd." in page and "Dijkplan schrijven" in page
    page, built, _ = _get(anna, *pages["water body"])
    assert built and "Dijkplan schrijven" in page
    for name in ("lucht meeting", "lucht body", "list"):
        page, built, _ = _get(anna, *pages[name])
        assert not built, f"the {name} page shows nothing recorded at the water meeting"
        assert "Dijkplan" not in page

    # A change of the meeting itself is on every page that shows it.
    at_water.title = "Sessie over dijken en duinen"
    at_water.save()
    for name in ("water meeting", "water body", "list"):
        page, built, _ = _get(anna, *pages[name])
        assert built and "Sessie over dijken en duinen" in page, name


def test_the_minutes_show_on_their_meeting_and_leave_the_meetings_list_kept(
    db: None, kept_in: str
) -> None:
    _, _, at_water, _, anna = _two_bodies()
    for path, read in (
        (f"/bijeenkomsten/{at_water.pk}/", DECISION_READ),
        ("/bijeenkomsten/", LIST_READ),
    ):
        _get(anna, path, read)

    meetings.minutes_save(
        actor=SYSTEM, meeting=at_water, minutes="Het verslag over de dijken.", version=1
    )

    page, built, _ = _get(anna, f"/bijeenkomsten/{at_water.pk}/", DECISION_READ)
    assert built and "Het verslag over de dijken." in page
    _, built, _ = _get(anna, "/bijeenkomsten/", LIST_READ)
    assert not built


def test_an_action_handed_to_another_body_leaves_the_first_bodys_page(
    db: None, kept_in: str
) -> None:
    water, lucht, at_water, _, anna = _two_bodies()
    action = ActionItem.objects.create(meeting=at_water, body=water, description="Kaart tekenen")
    assert "Kaart tekenen" in anna.get("/gremia/water/").content.decode()
    assert "Kaart tekenen" not in anna.get("/gremia/lucht/").content.decode()

    # A change that names the body among its fields, and one that names no fields.
    action.body = lucht
    action.save(update_fields=["body"])
    assert "Kaart tekenen" not in anna.get("/gremia/water/").content.decode()
    assert "Kaart tekenen" in anna.get("/gremia/lucht/").content.decode()
    stored = ActionItem.objects.get(pk=action.pk)
    stored.body = water
    stored.save()
    assert "Kaart tekenen" in anna.get("/gremia/water/").content.decode()
    assert "Kaart tekenen" not in anna.get("/gremia/lucht/").content.decode()


def test_an_action_deleted_after_someone_else_moved_it_leaves_the_body_it_is_at(
    db: None, kept_in: str
) -> None:
    water, lucht, at_water, _, anna = _two_bodies()
    action = ActionItem.objects.create(meeting=at_water, body=water, description="Kaart tekenen")
    stale = ActionItem.objects.get(pk=action.pk)  # read before the move
    action.body = lucht
    action.save()
    assert "Kaart tekenen" in anna.get("/gremia/lucht/").content.decode()

    stale.delete()
    assert "Kaart tekenen" not in anna.get("/gremia/lucht/").content.decode()


def test_an_action_done_at_a_later_meeting_leaves_the_open_actions_of_its_body(
    db: None, kept_in: str
) -> None:
    water, _, at_water, _, anna = _two_bodies()
    later = MeetingFactory(title="Sessie over kades", bodies=[water], date=dt.date(2021, 6, 1))
    action = ActionItem.objects.create(meeting=at_water, body=water, description="Meetnet leggen")
    pages = ("/gremia/water/", f"/bijeenkomsten/{later.pk}/")
    for path in pages:
        assert "Meetnet leggen" in anna.get(path).content.decode()

    meetings.action_set_status(
        actor=SYSTEM,
        action=action,
        status=ActionStatus.DONE,
        meeting=later,
        expected_version=action.version,
    )
    for path in pages:
        assert "Meetnet leggen" not in anna.get(path).content.decode()
    action.refresh_from_db()
    meetings.action_set_status(
        actor=SYSTEM, action=action, status=ActionStatus.OPEN, expected_version=action.version
    )
    for path in pages:
        assert "Meetnet leggen" in anna.get(path).content.decode()


def test_a_meeting_moved_to_another_body_leaves_the_first_bodys_page(
    db: None, kept_in: str
) -> None:
    _, lucht, at_water, _, anna = _two_bodies()
    assert "Sessie over dijken" in anna.get("/gremia/water/").content.decode()
    at_water.bodies.set([lucht])
    assert "Sessie over dijken" not in anna.get("/gremia/water/").content.decode()
    assert "Sessie over dijken" in anna.get("/gremia/lucht/").content.decode()
