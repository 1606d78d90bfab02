"""A network set up through the API alone: its record, its member municipalities with their
periods, its bodies. Written by the network office; a member may read but not write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from koepel.accounts.tests.factories import UserFactory
from koepel.api.tests.conftest import ApiClient
from koepel.registry.models import Body, Membership, Network
from koepel.registry.tests.factories import OrganisationFactory, PersonFactory

MakeClient = Callable[..., ApiClient]

NETWORK = {
    "naam": "Netwerk Noordelijke Gemeenten",
    "korteNaam": "NNG",
    "omschrijving": "Gemeenten in het noorden werken samen.",
}


@pytest.fixture
def office(db: None, api_as: MakeClient) -> ApiClient:
    return api_as(UserFactory(office=True))


@pytest.fixture
def member(db: None, api_as: MakeClient) -> ApiClient:
    return api_as(UserFactory(person=PersonFactory()))


def test_a_network_starts_with_its_record_and_changes_with_its_etag(
    office: ApiClient, member: ApiClient, api_as: MakeClient
) -> None:
    assert office.get("/api/v1/netwerk").status_code == 404
    assert member.put("/api/v1/netwerk", NETWORK).status_code == 403
    assert api_as(None).put("/api/v1/netwerk", NETWORK).status_code == 401

    made = office.put("/api/v1/netwerk", NETWORK)
    assert made.status_code == 201, made.json()
    assert made["Location"].endswith("/api/v1/netwerk") and made["ETag"]
    assert Network.objects.get().short_name == "NNG"
    read = api_as(None).get("/api/v1/netwerk")
    assert read.json()["naam"] == "Netwerk Noordelijke Gemeenten"
    assert read["ETag"] == made["ETag"]

    # From now on a change names the version it was based on, as everywhere.
    assert office.put("/api/v1/netwerk", NETWORK).status_code == 428
    stale = office.patch("/api/v1/netwerk", {"korteNaam": "N"}, **{"If-Match": '"oud"'})
    assert stale.status_code == 412
    OrganisationFactory(slug="provincie-groningen")
    partners = office.change("patch", "/api/v1/netwerk", {"partners": ["provincie-groningen"]})
    assert partners.status_code == 200, partners.json()
    assert partners.json()["partners"] == ["provincie-groningen"]
    assert list(Network.objects.get().partners.values_list("slug", flat=True)) == [
        "provincie-groningen"
    ]
    unknown = office.change("patch", "/api/v1/netwerk", {"partners": ["bestaat-niet"]})
    assert unknown.status_code == 400
    assert unknown.json()["invalidParams"][0]["name"] == "partners"
    assert member.change("patch", "/api/v1/netwerk", {"korteNaam": "X"}).status_code == 403
    assert Network.objects.get().short_name == "NNG"


def _home_member_count(client: Client) -> str:
    page = BeautifulSoup(client.get("/").content, "html.parser")
    label = next(dt for dt in page.find_all("dt") if dt.get_text(strip=True) == "Lidgemeenten")
    dd = label.find_next_sibling("dd")
    assert dd is not None
    return str(dd.get_text(strip=True))


def test_members_written_through_the_api_are_the_networks_members(office: ApiClient) -> None:
    assert _home_member_count(Client()) == "0"
    for number in range(1, 62):
        code = f"GM{number:04d}"
        city = office.post(
            "/api/v1/gemeenten", {"cbsCode": code, "naam": f"Stad {number}", "provincie": "pv20"}
        )
        assert city.status_code == 201, city.json()
        joined = office.post("/api/v1/lidmaatschappen", {"gemeente": code, "begin": "2019-01"})
        assert joined.status_code == 201, joined.json()
    assert _home_member_count(Client()) == "61"
    assert office.get("/api/v1/gemeenten?lid=true").json()["aantal"] == 61
    assert office.get("/api/v1/gemeenten/GM0007").json()["lidmaatschappen"] == [
        {"begin": "2019-01", "eind": None}
    ]


def test_a_membership_ends_and_a_city_is_a_member_once_at_a_time(office: ApiClient) -> None:
    office.post(
        "/api/v1/gemeenten", {"cbsCode": "GM0014", "naam": "Groningen", "provincie": "pv20"}
    )
    first = office.post("/api/v1/lidmaatschappen", {"gemeente": "GM0014", "begin": "2015"})
    assert first.status_code == 201, first.json()

    overlapping = office.post("/api/v1/lidmaatschappen", {"gemeente": "GM0014", "begin": "2020"})
    assert overlapping.status_code == 400
    (param,) = overlapping.json()["invalidParams"]
    assert param["name"] == "begin"
    assert "Groningen is al lid" in param["reason"] and "2015" in param["reason"]

    ended = office.change("patch", first["Location"], {"eind": "2019-12-31"})
    assert ended.status_code == 200, ended.json()
    assert ended.json()["eind"] == "2019-12-31"
    again = office.post("/api/v1/lidmaatschappen", {"gemeente": "GM0014", "begin": "2021-01-01"})
    assert again.status_code == 201, again.json()
    # Stretching the first period into the second is refused as well.
    stretched = office.change("patch", first["Location"], {"eind": "2022"})
    assert stretched.status_code == 400
    assert Membership.objects.count() == 2

    listed = office.get("/api/v1/lidmaatschappen?gemeente=gm0014").json()
    assert [row["begin"] for row in listed["resultaten"]] == ["2015", "2021-01-01"]
    current = office.get("/api/v1/lidmaatschappen?actueel=true").json()
    assert [row["begin"] for row in current["resultaten"]] == ["2021-01-01"]


def test_a_member_reads_memberships_but_does_not_write_them(
    office: ApiClient, member: ApiClient
) -> None:
    office.post("/api/v1/gemeenten", {"cbsCode": "GM0034", "naam": "Almere", "provincie": "pv24"})
    made = office.post("/api/v1/lidmaatschappen", {"gemeente": "GM0034", "begin": "2010"})
    assert member.get(made["Location"]).status_code == 200
    assert member.post("/api/v1/lidmaatschappen", {"gemeente": "GM0034"}).status_code == 403
    assert member.change("patch", made["Location"], {"eind": "2020"}).status_code == 403
    assert member.change("delete", made["Location"]).status_code == 403
    assert Membership.objects.get().end is None


def test_the_worked_example_of_docs_api_sets_up_a_network(office: ApiClient) -> None:
    """The steps of "Setting up a network" in docs/api.md, as written there."""
    assert office.put("/api/v1/netwerk", NETWORK).status_code == 201
    city = {"cbsCode": "GM0014", "naam": "Groningen", "provincie": "pv20"}
    assert office.post("/api/v1/gemeenten", city).status_code == 201
    joined = office.post("/api/v1/lidmaatschappen", {"gemeente": "GM0014", "begin": "2019-01"})
    assert joined.status_code == 201
    partner = {"slug": "provincie-groningen", "naam": "Provincie Groningen", "soort": "other"}
    assert office.post("/api/v1/organisaties", partner).status_code == 201
    partners = {"partners": ["provincie-groningen"]}
    assert office.change("patch", "/api/v1/netwerk", partners).status_code == 200
    board = {"slug": "bestuur", "naam": "Bestuur", "soort": "board"}
    assert office.post("/api/v1/gremia", board).status_code == 201
    person = {
        "slug": "anna-jansen",
        "naam": "Anna Jansen",
        "functietitel": "wethouder",
        "gemeente": "GM0014",
    }
    assert office.post("/api/v1/personen", person).status_code == 201
    role = {
        "persoon": "anna-jansen",
        "gremium": "bestuur",
        "functie": "voorzitter",
        "namensGemeente": "GM0014",
        "begin": "2019-01-01",
    }
    seated = office.post("/api/v1/rollen", role)
    assert seated.status_code == 201, seated.json()
    assert _home_member_count(Client()) == "1"


def test_a_body_is_written_with_its_kind_parent_and_visibility(office: ApiClient) -> None:
    board = office.post("/api/v1/gremia", {"slug": "bestuur", "naam": "Bestuur", "soort": "board"})
    assert board.status_code == 201, board.json()
    group = office.post(
        "/api/v1/gremia",
        {
            "slug": "werkgroep-energie",
            "naam": "Werkgroep Energie",
            "soort": "working_group",
            "onderdeelVan": "bestuur",
            "zichtbaarheid": "network",
        },
    )
    assert group.status_code == 201, group.json()
    stored: Any = Body.objects.get(slug="werkgroep-energie")
    assert (stored.kind, stored.parent.slug, stored.visibility) == (
        "working_group",
        "bestuur",
        "network",
    )
