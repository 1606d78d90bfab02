"""The charts: an SVG picture drawn on the server with a title, a description computed from the
data and the table of the same numbers beside it; counting only what the reader may see."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier
from koepel.core.visibility import Visibility
from koepel.meetings.models import Invitation, Status
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Membership, Municipality, Participation
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


def _chart(response: Any) -> tuple[BeautifulSoup, dict[str, str], dict[str, str]]:
    """The page's chart, its bars (label → number drawn) and its table (row → number)."""
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    figure = page.select_one("figure.chart")
    assert figure is not None
    svg = figure.select_one("svg")
    bars = {}
    if svg is not None:
        for row in svg.select("g.chart__row"):
            label, value = row.select("text")
            bars[label.get_text()] = value.get_text()
    table = page.select_one(".chart-with-table table")
    cells = {
        tr.th.get_text(strip=True): tr.select("td")[
            -1 if "deelname" in response.request["PATH_INFO"] else 0
        ]
        .get_text(" ", strip=True)
        .split()[0]
        for tr in table.select("tbody tr")
        if tr.th is not None
    }
    return figure, bars, cells


def _accessible(figure: BeautifulSoup) -> None:
    svg = figure.select_one("svg")
    assert svg["role"] == "img"
    title, desc = svg.select_one("title"), svg.select_one("desc")
    assert title.get_text() and desc.get_text()
    assert svg["aria-labelledby"] == f"{title['id']} {desc['id']}"
    assert not figure.select("script")
    assert "http" not in re.sub(r'xmlns="[^"]+"', "", str(svg))  # nothing fetched from elsewhere


def test_meetings_per_body_counts_what_the_reader_may_see(client: Client) -> None:
    wonen = BodyFactory(name="Themagroep Wonen", visibility=Visibility.PUBLIC)
    zorg = BodyFactory(name="Themagroep Zorg", visibility=Visibility.PUBLIC)
    secret = BodyFactory(name="Geheime werkgroep", visibility=Visibility.RESTRICTED)
    for _ in range(3):
        MeetingFactory(bodies=[wonen], date=dt.date(2021, 5, 1))
    MeetingFactory(bodies=[wonen], date=dt.date(2021, 6, 1), visibility=Visibility.RESTRICTED)
    MeetingFactory(bodies=[wonen], date=dt.date(2021, 7, 1), status=Status.CANCELLED)
    MeetingFactory(bodies=[zorg], date=dt.date(2021, 5, 1))
    MeetingFactory(bodies=[zorg], date=dt.date(2020, 5, 1))
    MeetingFactory(bodies=[secret], date=dt.date(2021, 5, 1))

    figure, bars, table = _chart(client.get("/bijeenkomsten/cijfers/2021/"))
    _accessible(figure)
    assert table == {"Themagroep Wonen": "3", "Themagroep Zorg": "1"}
    assert bars == table
    assert "Themagroep Wonen hield de meeste bijeenkomsten (3)." in figure.get_text()
    assert "Geheime werkgroep" not in str(figure)

    office = Client()
    office.force_login(UserFactory(office=True))
    _figure, bars, table = _chart(office.get("/bijeenkomsten/cijfers/2021/"))
    assert table == {"Themagroep Wonen": "4", "Geheime werkgroep": "1", "Themagroep Zorg": "1"}
    assert bars == table


def test_a_year_without_meetings_says_so_and_draws_nothing(client: Client) -> None:
    figure, bars, _table = _chart(client.get("/bijeenkomsten/cijfers/2019/"))
    assert bars == {}
    assert "In 2019 zijn geen bijeenkomsten gehouden." in figure.get_text()


def test_the_figures_export_is_the_table(client: Client) -> None:
    body = BodyFactory(name="Themagroep Wonen", slug="wonen")
    MeetingFactory(bodies=[body], date=dt.date(2021, 5, 1))
    text = b"".join(client.get("/bijeenkomsten/cijfers/2021/?formaat=csv")).decode("utf-8-sig")
    assert text.splitlines() == ["sleutel;gremium;bijeenkomsten", "wonen;Themagroep Wonen;1"]


def test_participation_per_city_is_drawn_beside_its_table(client: Client) -> None:
    body = BodyFactory(name="Themagroep Wonen")
    cities = {}
    for code, name in (("GM0001", "Aastad"), ("GM0002", "Beestad")):
        city = Municipality.objects.create(name=name, sort_name=name.lower(), cbs_code=code)
        Membership.objects.create(municipality=city, start=dt.date(2010, 1, 1))
        Participation.objects.create(body=body, municipality=city, start=dt.date(2020, 1, 1))
        cities[name] = city
    meetings = [MeetingFactory(bodies=[body], date=dt.date(2021, m, 1)) for m in (3, 4)]
    for meeting in meetings:
        person = PersonFactory(municipality=cities["Beestad"])
        Invitation.objects.create(meeting=meeting, person=person, present=True)
    client.force_login(UserFactory(office=True))

    figure, bars, table = _chart(client.get("/bijeenkomsten/deelname/2021/"))
    _accessible(figure)
    assert bars == {"Beestad": "2 van 2", "Aastad": "0 van 2"}
    assert {name: bars[name].split()[0] for name in bars} == table
    finding = figure.get_text(" ", strip=True)
    assert "Beestad was bij de meeste bijeenkomsten (2)." in finding
    assert "1 gemeente was bij geen van de bijeenkomsten van haar gremia." in finding


def test_lobby_results_per_year_count_visible_dossiers(client: Client) -> None:
    body = BodyFactory()
    for i, (status, level) in enumerate(
        [
            ("behaald", Visibility.PUBLIC),
            ("behaald", Visibility.PUBLIC),
            ("niet_behaald", Visibility.PUBLIC),
            ("behaald", Visibility.RESTRICTED),
        ]
    ):
        dossier = Dossier.objects.create(
            title=f"Dossier {i}",
            slug=f"dossier-{i}",
            goal="Meer woningen.",
            status=status,
            status_date=dt.date(2021, 6, 1),
            visibility=level,
        )
        dossier.bodies.set([body])
    figure, bars, table = _chart(client.get("/lobby/resultaten/2021/"))
    _accessible(figure)
    assert table["Behaald"] == "2" and table["Niet behaald"] == "1"
    assert bars == table
    assert "3 dossiers kregen in 2021 hun uitkomst: 2 behaald, 0 deels behaald." in (
        figure.get_text(" ", strip=True)
    )
    office = Client()
    office.force_login(UserFactory(office=True))
    _figure, _bars, table = _chart(office.get("/lobby/resultaten/2021/"))
    assert table["Behaald"] == "3"


def test_a_member_sees_the_figures_of_a_body_they_sit_in(client: Client) -> None:
    closed = BodyFactory(name="Besloten groep", visibility=Visibility.BODY)
    MeetingFactory(bodies=[closed], date=dt.date(2021, 5, 1), visibility=Visibility.BODY)
    _figure, _bars, table = _chart(client.get("/bijeenkomsten/cijfers/2021/"))
    assert table == {}
    client.force_login(UserFactory(person=RoleFactory(body=closed).person))
    _figure, bars, table = _chart(client.get("/bijeenkomsten/cijfers/2021/"))
    assert table == bars == {"Besloten groep": "1"}
