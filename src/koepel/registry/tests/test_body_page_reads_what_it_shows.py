"""A body's page, rendered afresh (the cache off), reads of its meetings, actions and roles only
the columns its tables show, and no more queries for more rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koepel.advocacy.models import LobbyAction
from koepel.meetings.models import ActionItem
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry import services
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


def _page(client: Client, path: str) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content.decode(), [query["sql"] for query in queries]


def _fill(body: Any, n: int, start: int) -> None:
    for i in range(start, start + n):
        meeting = MeetingFactory(
            title=f"Sessie {i}",
            bodies=[body],
            date=dt.date(2021, 1, 1) + dt.timedelta(days=i),
            minutes="Een lang verslag. " * 50,
            description="Een lange beschrijving. " * 50,
        )
        ActionItem.objects.create(meeting=meeting, body=body, description=f"Actie {i}")
        person = services.person_save(person=PersonFactory.build(name=f"Lid {i}"))
        services.role_save(role=RoleFactory.build(body=body, person=person))
        action = LobbyAction.objects.create(
            title=f"Brief {i}",
            date=dt.date(2021, 2, 1),
            summary="Een lange brief. " * 50,
            visibility="public",
        )
        action.bodies.add(body)


def test_the_body_page_reads_only_what_its_tables_show(db: None, settings: Any) -> None:
    settings.KOEPEL_CACHE = False
    body = BodyFactory(name="Werkgroep Water", slug="water")
    client = Client()
    _fill(body, 2, 0)
    page, few = _page(client, "/gremia/water/")
    assert "Sessie 1" in page and "Actie 1" in page and "Lid 1" in page and "Brief 1" in page

    _fill(body, 12, 2)
    page, many = _page(client, "/gremia/water/")
    assert "Sessie 13" in page and "Brief 13" in page
    assert len(many) == len(few)
    # The long texts of the meetings and lobby actions listed are not read for the tables.
    for column in ('"meetings_meeting"."minutes"', '"meetings_meeting"."description"'):
        assert not any(column in sql for sql in many), column
    assert not any('"advocacy_lobbyaction"."summary"' in sql for sql in many)
    # Nor is the body read again for each of its roles.
    assert sum('FROM "registry_body"' in sql and "registry_role" in sql for sql in many) == 0
