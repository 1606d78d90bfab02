"""A secretary marks a body's year as completely recorded through the API section resource,
as on the section's page; until then the report counts "ten minste"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from koepel.accounts.tests.factories import UserFactory
from koepel.api.tests.conftest import ApiClient
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
)
from koepel.reports.models import CompleteYear

MakeClient = Callable[..., ApiClient]


@pytest.fixture
def group(db: None) -> dict[str, Any]:
    Network.objects.create(name="Testnetwerk", short_name="TN")
    MembershipFactory(start=dt.date(2019, 1, 1), start_precision="year")
    pillar = BodyFactory(name="Pijler Werk", kind="pillar")
    body = BodyFactory(name="Themagroep Banen", parent=pillar, slug="banen")
    for month in (3, 6):
        MeetingFactory(bodies=[body], date=dt.date(2021, month, 1))
    secretary = PersonFactory()
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    return {
        "body": body,
        "url": f"/api/v1/jaarverslagen/2021/secties/body:{body.pk}",
        "secretary": UserFactory(person=secretary),
    }


def _facts(section: dict[str, Any]) -> str:
    return " ".join(fact["tekst"] for fact in section["feiten"])


def test_a_secretary_marks_the_year_complete_and_the_count_loses_ten_minste(
    group: dict[str, Any], api_as: MakeClient
) -> None:
    api = api_as(group["secretary"])
    section = api.get(group["url"]).json()
    assert section["gremia"] == [
        {"slug": "banen", "naam": "Themagroep Banen", "volledigVastgelegd": False}
    ]
    assert "ten minste twee keer bijeen" in _facts(section)

    marked = api.change("patch", group["url"], {"volledigVastgelegd": ["banen"]})
    assert marked.status_code == 200, marked.json()
    assert marked.json()["gremia"][0]["volledigVastgelegd"] is True
    assert "kwam de themagroep Banen twee keer bijeen" in _facts(marked.json())
    assert CompleteYear.objects.filter(body=group["body"], year=2021).exists()

    unmarked = api.change("patch", group["url"], {"volledigVastgelegd": []})
    assert unmarked.json()["gremia"][0]["volledigVastgelegd"] is False
    assert not CompleteYear.objects.exists()


def test_a_body_outside_the_section_is_refused_by_name(
    group: dict[str, Any], api_as: MakeClient
) -> None:
    answer = api_as(group["secretary"]).change(
        "patch", group["url"], {"volledigVastgelegd": ["elders"]}
    )
    assert answer.status_code == 400
    assert answer.json()["invalidParams"][0]["name"] == "volledigVastgelegd"
    assert not CompleteYear.objects.exists()


def test_only_whoever_may_edit_the_section_marks_it(
    group: dict[str, Any], api_as: MakeClient
) -> None:
    outsider = UserFactory(person=PersonFactory())
    answer = api_as(outsider).change("patch", group["url"], {"volledigVastgelegd": ["banen"]})
    assert answer.status_code == 403
    assert not CompleteYear.objects.exists()
