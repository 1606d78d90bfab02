"""Counts a report needs come from queries; the office sees which cities are missing where."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.access import SYSTEM
from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import Guest, Invitation
from koepel.meetings.selectors import body_year, participation_by_city
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Participation
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
)


@pytest.fixture
def year_of_meetings(db: None) -> dict[str, object]:
    body = BodyFactory(name="Themagroep Sterke Keten")
    partner = BodyFactory(name="Themagroep Armoede en Schulden")
    uwv = OrganisationFactory(name="UWV")
    for month in range(1, 9):
        meeting = MeetingFactory(bodies=[body], date=dt.date(2021, month, 10))
        if month == 3:
            Guest.objects.create(meeting=meeting, organisation=uwv, topic="mobiliteit")
    MeetingFactory(
        bodies=[body, partner], date=dt.date(2021, 5, 20), format="fysiek", level="ambtelijk"
    )
    MeetingFactory(bodies=[body], date=dt.date(2021, 11, 1), status="geannuleerd")
    MeetingFactory(bodies=[body], date=dt.date(2022, 1, 10))
    return {"body": body, "uwv": uwv}


def test_a_body_year_counts_meetings_by_level_and_format_with_guests_and_joint_sessions(
    year_of_meetings: dict[str, object],
) -> None:
    year = body_year(SYSTEM, year_of_meetings["body"], 2021)  # type: ignore[arg-type]

    assert year.count == 9  # the cancelled one and the one in 2022 do not count
    assert year.by_level == {"bestuurlijk": 8, "ambtelijk": 1}
    assert year.by_format == {"online": 8, "fysiek": 1}
    assert [guest.organisation for guest in year.guests] == [year_of_meetings["uwv"]]
    assert len(year.joint) == 1


def test_the_office_sees_which_cities_attended_the_meetings_of_their_bodies(
    db: None, client: Client
) -> None:
    body = BodyFactory(name="City Deal Impact Ondernemen")
    present_city = MembershipFactory().municipality
    absent_city = MembershipFactory().municipality
    for city in (present_city, absent_city):
        Participation.objects.create(body=body, municipality=city)
    meeting = MeetingFactory(bodies=[body], held=True, date=dt.date(2021, 4, 1))
    Invitation.objects.create(
        meeting=meeting, person=PersonFactory(municipality=present_city), present=True
    )
    Invitation.objects.create(
        meeting=meeting, person=PersonFactory(municipality=absent_city), present=False
    )

    rows = {row.municipality: row for row in participation_by_city(SYSTEM, 2021)}
    assert (
        rows[present_city].bodies,
        rows[present_city].meetings_held,
        rows[present_city].meetings_attended,
    ) == (1, 1, 1)
    assert rows[absent_city].meetings_attended == 0

    client.force_login(UserFactory(office=True))
    page = BeautifulSoup(
        client.get(reverse("meetings:participation", args=[2021])).content, "html.parser"
    )
    flagged = [row.th.get_text(strip=True) for row in page.select("tr.attention")]
    assert flagged == [absent_city.name]

    client.force_login(UserFactory())
    assert client.get(reverse("meetings:participation", args=[2021])).status_code == 403
