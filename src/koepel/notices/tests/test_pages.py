"""The page Notifications and the feeds: choices saved, a personal feed address shown once,
holding what its owner may see, switched off for good; the public feed says what it holds."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from icalendar import Calendar

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.tests.factories import MeetingFactory
from koepel.notices.models import FeedToken, Frequency, Preferences, feed_token_hash
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def member() -> Client:
    body = BodyFactory(name="Wonen", slug="wonen")
    person = PersonFactory(name="Mila", email="mila@example.nl")
    RoleFactory(person=person, body=body)
    MeetingFactory(title="Openbaar overleg", bodies=[body], date=dt.date(2030, 5, 1))
    MeetingFactory(
        title="Overleg voor leden", bodies=[body], date=dt.date(2030, 5, 2), visibility="body"
    )
    client = Client()
    client.force_login(UserFactory(person=person))
    return client


def test_the_choices_are_saved_per_kind_with_defaults_first(member: Client) -> None:
    page = member.get("/account/meldingen/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Meldingen" in text and "Nieuwe of gewijzigde bijeenkomsten van mijn gremia" in text
    assert re.search(r'value="direct"[^>]*checked|checked[^>]*value="direct"', text)
    response = member.post(
        "/account/meldingen/",
        {
            "meetings": Frequency.WEEKLY,
            "minutes": Frequency.NEVER,
            "actions": Frequency.IMMEDIATELY,
            "consultations": Frequency.DAILY,
            "documents": Frequency.NEVER,
            "language": "en",
            "version": "",
        },
    )
    assert response.status_code == 302
    saved = Preferences.objects.get()
    assert (saved.meetings, saved.minutes, saved.person.language) == ("wekelijks", "nooit", "en")


def test_a_wrong_choice_is_refused_in_dutch_and_nothing_is_stored(member: Client) -> None:
    response = member.post("/account/meldingen/", {"meetings": "elk-uur", "language": "nl"})
    assert response.status_code == 200
    assert "Selecteer een geldige keuze" in response.content.decode()
    assert not Preferences.objects.exists()


def test_a_personal_feed_holds_members_meetings_is_shown_once_and_can_be_switched_off(
    member: Client,
) -> None:
    response = member.post("/account/meldingen/agenda-adres/", {"body": "wonen"})
    text = response.content.decode()
    address = re.search(r'value="http://testserver(/gremia/wonen/agenda/[^"]+\.ics)"', text)
    assert address is not None
    secret = address.group(1).rsplit("/", 1)[1].removesuffix(".ics")
    token = FeedToken.objects.get()
    assert token.key_hash == feed_token_hash(secret) and secret not in token.key_hash
    assert secret not in member.get("/account/meldingen/").content.decode()  # shown once

    feed = Client().get(address.group(1))
    assert feed.status_code == 200
    assert feed["Cache-Control"] == "private, no-store"
    calendar = Calendar.from_ical(feed.content)
    titles = {str(event["summary"]) for event in calendar.walk("VEVENT")}
    assert titles == {"Openbaar overleg", "Overleg voor leden"}
    assert "ook die voor leden" in str(calendar["X-WR-CALDESC"])

    member.post(f"/account/meldingen/agenda-adres/{token.pk}/uit/")
    assert Client().get(address.group(1)).status_code == 404


def test_a_forged_feed_address_finds_nothing(member: Client) -> None:
    assert Client().get("/gremia/wonen/agenda/verzonnen.ics").status_code == 404


def test_the_public_feed_holds_public_meetings_only_and_says_so(member: Client) -> None:
    # Even asked with a member's session: a calendar program never has one.
    feed = member.get("/gremia/wonen/agenda.ics")
    calendar = Calendar.from_ical(feed.content)
    assert {str(e["summary"]) for e in calendar.walk("VEVENT")} == {"Openbaar overleg"}
    assert "Alleen de openbare bijeenkomsten van Wonen" in str(calendar["X-WR-CALDESC"])
    assert str(calendar["X-WR-CALNAME"]) == "Wonen (openbare bijeenkomsten)"
    page = member.get("/gremia/wonen/").content.decode()
    assert "Het bevat alleen de openbare bijeenkomsten" in page
    assert "/account/meldingen/#feeds" in page


def test_an_account_without_a_person_is_told_why_there_is_nothing(db: None) -> None:
    client = Client()
    client.force_login(UserFactory(office=True))
    response = client.get("/account/meldingen/")
    assert "niet gekoppeld aan een persoon" in response.content.decode()
