"""Hits are ranked across kinds, a word in the title counting more than one in the text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from koepel.accounts.access import SYSTEM
from koepel.advocacy import services as lobby
from koepel.meetings import services as meetings
from koepel.search.tests.conftest import search_page


def test_a_title_match_ranks_above_a_text_match_whatever_the_kind(
    network: dict[str, Any], client: Client
) -> None:
    lobby.milestone_create(
        actor=SYSTEM,
        bodies=[network["group"]],
        title="Jaarplan vastgesteld",
        description="Het jaarplan gaat ook over de omgevingswet en de invoering daarvan.",
        date=dt.date(2021, 2, 1),
        date_precision="month",
    )
    meetings.meeting_plan(
        actor=SYSTEM,
        bodies=[network["elsewhere"]],
        title="Omgevingswet",
        kind="themasessie",
        level="ambtelijk",
        format="online",
        date=dt.date(2021, 2, 3),
        description="Een middag met de gemeenten die al oefenen.",
        visibility="public",
    )

    page = search_page(client, "omgevingswet")

    assert page.titles == ["Omgevingswet", "Jaarplan vastgesteld"]
    assert [hit.kind for hit in page.hits] == ["bijeenkomst", "mijlpaal"]
