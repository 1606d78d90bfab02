"""Search through the API finds what the search page finds, and nothing more."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from koepel.accounts.tests.factories import UserFactory
from koepel.api.tests.conftest import ApiClient
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, RoleFactory
from koepel.search import index

MakeClient = Callable[..., ApiClient]
pytestmark = pytest.mark.usefixtures("shared_demo")


def test_search_finds_the_demo_by_dutch_word_forms(api_as: MakeClient) -> None:
    response = api_as(None).get("/api/v1/zoeken?q=woningen")
    assert response.status_code == 200
    body = response.json()
    assert body["aantal"] > 0
    hit = body["resultaten"][0]
    assert set(hit) == {"soort", "titel", "url", "pad", "fragment", "jaar"}
    assert hit["url"].startswith("http://testserver/")


def test_a_restricted_record_is_not_found_not_counted_and_not_quoted(
    api_as: MakeClient,
) -> None:
    secret_body = BodyFactory(slug="geheim", visibility="restricted")
    meeting = MeetingFactory(
        title="Zuurstokroze vooroverleg", bodies=[secret_body], restricted=True
    )
    index.update(meeting)
    outsider = api_as(UserFactory(person=RoleFactory().person))
    found = outsider.get("/api/v1/zoeken?q=zuurstokroze").json()
    assert found["aantal"] == 0 and found["resultaten"] == []
    assert sum(found["perSoort"].values()) == 0
    office = api_as(UserFactory(office=True)).get("/api/v1/zoeken?q=zuurstokroze").json()
    assert office["aantal"] == 1
    assert office["resultaten"][0]["titel"] == "Zuurstokroze vooroverleg"


def test_odd_input_gets_an_answer_or_a_clear_message(api_as: MakeClient) -> None:
    api = api_as(None)
    assert api.get("/api/v1/zoeken?q=" + "!?*" * 10).status_code == 200
    assert api.get("/api/v1/zoeken?q=" + "woning " * 1500).status_code == 200
    missing = api.get("/api/v1/zoeken")
    assert missing.status_code == 400
    assert missing.json()["invalidParams"][0]["name"] == "q"
    wrong = api.get("/api/v1/zoeken?q=wonen&jaar=gisteren&soort=taart")
    assert {p["name"] for p in wrong.json()["invalidParams"]} == {"jaar", "soort"}
