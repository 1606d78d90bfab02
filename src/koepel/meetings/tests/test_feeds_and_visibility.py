"""Calendar feeds parse as iCalendar and leak nothing; restricted meetings stay hidden everywhere."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings import services
from koepel.meetings.models import Invitation
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


@pytest.fixture
def meetings(db: None) -> dict[str, Any]:
    body = BodyFactory(slug="woningmarkt", name="Themagroep Woningmarkt")
    insider = PersonFactory(name="Ina Insider")
    RoleFactory(person=insider, body=body)
    public = MeetingFactory(title="Openbare themasessie", bodies=[body])
    secret = MeetingFactory(
        title="Vertrouwelijk overleg", bodies=[body], restricted=True, date=dt.date(2021, 10, 5)
    )
    Invitation.objects.create(meeting=secret, person=insider)
    MeetingFactory(title="Alleen voor de leden", bodies=[body], visibility="body")
    MeetingFactory(
        title="Ergens in 2021",
        bodies=[body],
        date=dt.date(2021, 1, 1),
        date_precision="year",
        start_time=None,
        end_time=None,
    )
    outsider = PersonFactory(name="Otto Outsider")
    RoleFactory(person=outsider)
    return {
        "body": body,
        "public": public,
        "secret": secret,
        "insider": insider,
        "outsider": outsider,
    }


def _events(content: bytes) -> dict[str, Any]:
    calendar = Calendar.from_ical(content)
    assert str(calendar["VERSION"]) == "2.0"
    assert "Koepel" in str(calendar["PRODID"])
    assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Europe/Amsterdam"
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_the_body_feed_is_valid_icalendar_with_stable_uids_and_links(
    meetings: dict[str, Any], client: Client
) -> None:
    url = reverse("meetings:body-feed", args=["woningmarkt"])
    first = _events(client.get(url).content)
    second = _events(client.get(url).content)

    event = first["Openbare themasessie"]
    assert event["UID"] == second["Openbare themasessie"]["UID"]
    assert event.decoded("DTSTART") == dt.datetime(
        2021, 9, 14, 10, 0, tzinfo=event.decoded("DTSTART").tzinfo
    )
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Amsterdam"
    assert str(event["URL"]).endswith(meetings["public"].get_absolute_url())
    assert "Ergens in 2021" not in first  # no invented day


def test_the_public_body_feed_leaks_nothing_restricted(
    meetings: dict[str, Any], client: Client
) -> None:
    events = _events(client.get(reverse("meetings:body-feed", args=["woningmarkt"])).content)
    assert set(events) == {"Openbare themasessie"}

    client.force_login(UserFactory(person=meetings["outsider"]))
    events = _events(client.get(reverse("meetings:body-feed", args=["woningmarkt"])).content)
    assert set(events) == {"Openbare themasessie"}


def test_a_personal_feed_shows_what_that_person_may_see_until_revoked(
    meetings: dict[str, Any], client: Client
) -> None:
    token = services.calendar_token_renew(person=meetings["insider"])
    url = reverse("meetings:person-feed", args=[token.token])

    events = _events(client.get(url).content)
    assert {"Openbare themasessie", "Vertrouwelijk overleg", "Alleen voor de leden"} <= set(events)

    outsider_token = services.calendar_token_renew(person=meetings["outsider"])
    outsider_events = _events(
        client.get(reverse("meetings:person-feed", args=[outsider_token.token])).content
    )
    assert "Vertrouwelijk overleg" not in outsider_events

    services.calendar_token_revoke(person=meetings["insider"])
    assert client.get(url).status_code == 404
    assert client.get(reverse("meetings:person-feed", args=["geraden"])).status_code == 404


def test_a_restricted_meeting_is_reachable_by_no_page_for_an_outsider(
    meetings: dict[str, Any], client: Client
) -> None:
    secret = meetings["secret"]
    pages = [
        reverse("meetings:meetings"),
        reverse("meetings:meetings") + "?jaar=2021",
        reverse("meetings:calendar-year", args=[2021]),
        reverse("meetings:calendar-month", args=[2021, 10]),
        meetings["body"].get_absolute_url(),
    ]
    for who in (None, UserFactory(person=meetings["outsider"])):
        if who:
            client.force_login(who)
        for url in pages:
            assert "Vertrouwelijk overleg" not in client.get(url).content.decode(), url
        assert client.get(secret.get_absolute_url()).status_code == 404

    client.force_login(UserFactory(person=meetings["insider"]))
    assert client.get(secret.get_absolute_url()).status_code == 200
    assert "Vertrouwelijk overleg" in client.get(reverse("meetings:meetings")).content.decode()


@pytest.mark.parametrize(
    "url",
    [
        lambda: reverse("meetings:meetings"),
        lambda: reverse("meetings:calendar-year", args=[2021]),
        lambda: reverse("meetings:calendar-month", args=[2021, 9]),
        lambda: reverse("meetings:body-feed", args=["woningmarkt"]),
        lambda: reverse("registry:body", args=["woningmarkt"]),
    ],
)
def test_meeting_lists_run_a_bounded_number_of_queries(
    meetings: dict[str, Any], client: Client, django_assert_max_num_queries: Any, url: Any
) -> None:
    client.force_login(UserFactory(person=meetings["insider"]))
    with django_assert_max_num_queries(40) as few:
        client.get(url())
    for n in range(30):
        other = BodyFactory()
        MeetingFactory(
            title=f"Extra {n}", bodies=[meetings["body"], other], date=dt.date(2021, 9, 1 + n % 28)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url()).status_code == 200


def test_the_office_finds_a_page_on_my_calendar_not_a_refusal(db: None, client: Client) -> None:
    client.force_login(UserFactory(office=True))
    url = reverse("meetings:my-calendar")

    for response in (client.get(url), client.post(url, {"action": "renew"})):
        assert response.status_code == 200
        text = response.content.decode()
        assert "Het account van het netwerkbureau is geen persoon in het register." in text
        assert reverse("meetings:calendar-now") in text
        assert "<form" not in text.split("<main", 1)[1].split("</main>", 1)[0]


def test_an_account_without_a_person_is_told_how_to_get_one(db: None, client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("meetings:my-calendar"))
    assert response.status_code == 200
    assert "Het netwerkbureau kan uw account aan u koppelen." in response.content.decode()
