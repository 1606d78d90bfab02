"""The list of meetings counts each tab up to the cap (``KOEPEL_COUNT_CAP``) and no further:
past it, the tab and the list say "more than …", and a page costs as many queries however
many meetings there are."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from koepel.core import caching
from koepel.meetings.models import Meeting, Status


def _past(n: int, start: int = 0) -> None:
    Meeting.objects.bulk_create(
        Meeting(
            title=f"Themasessie {i:03}",
            kind="themasessie",
            date=dt.date(2021, 1, 1) + dt.timedelta(days=i),
            status=Status.HELD,
            visibility="public",
        )
        for i in range(start, start + n)
    )
    # A bulk write passes by the model signals: it says itself that the meetings changed, as
    # the app's own bulk writes do, so that the kept list is made again.
    caching.bump("meetings")


def _shown(client: Client) -> tuple[int, BeautifulSoup]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("meetings:meetings"), {"wanneer": "past"})
    assert response.status_code == 200
    return len(queries), BeautifulSoup(response.content, "html.parser")


def test_a_tab_past_the_cap_says_more_than_the_cap(db: None, client: Client, settings: Any) -> None:
    settings.KOEPEL_COUNT_CAP = 25
    _past(25)
    few, page = _shown(client)
    tabs = [a.get_text(strip=True) for a in page.select("nav.tabs a")]
    assert tabs == ["Komend (0)", "Voorbij (25)"]
    assert page.select_one("p[role=status]").get_text(strip=True).startswith("25 voorbije")
    assert page.select_one("nav.pagination p").get_text(strip=True) == "Pagina 1 van 2"

    _past(60, start=25)
    many, page = _shown(client)
    tabs = [a.get_text(strip=True) for a in page.select("nav.tabs a")]
    assert tabs == ["Komend (0)", "Voorbij (meer dan 25)"]
    assert page.select_one("p[role=status]").get_text(strip=True) == (
        "meer dan 25 voorbije bijeenkomsten, de laatste bovenaan"
    )
    assert page.select_one("nav.pagination p").get_text(strip=True) == "Pagina 1"
    assert many == few
