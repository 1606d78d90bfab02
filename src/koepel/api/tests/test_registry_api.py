"""The register through the API: read by anyone as far as visible, changed by the office."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from koepel.accounts.tests.factories import UserFactory
from koepel.api.tests.conftest import ApiClient
from koepel.registry.models import Body, Municipality
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.usefixtures("shared_demo")
MakeClient = Callable[..., ApiClient]


def test_municipalities_are_listed_and_addressed_by_cbs_code(
    api_as: MakeClient, django_assert_max_num_queries: Callable[..., object]
) -> None:
    api = api_as(None)
    with django_assert_max_num_queries(6):
        page = api.get("/api/v1/gemeenten?paginaGrootte=50")
    assert page.status_code == 200
    body = page.json()
    assert body["aantal"] == 40
    names = {row["naam"] for row in body["resultaten"]}
    assert {"Zwolle", "Groningen"} <= names
    assert api.get("/api/v1/gemeenten?lid=true").json()["aantal"] == 40
    assert api.get("/api/v1/gemeenten?lid=false").json()["aantal"] == 0
    zwolle = api.get("/api/v1/gemeenten/GM0193")
    assert zwolle.status_code == 200
    data = zwolle.json()
    assert data["naam"] == "Zwolle"
    assert data["tooiUri"].endswith("/gemeente/gm0193")
    assert zwolle["ETag"].startswith('"')
    assert api.get("/api/v1/gemeenten/gm0193").json()["naam"] == "Zwolle"


def test_every_answer_carries_the_api_version_and_errors_are_problems(
    api_as: MakeClient,
) -> None:
    api = api_as(None)
    for url in ("/api/v1/gemeenten", "/api/v1/gemeenten/GM9999", "/api/v1/bestaat-niet"):
        response = api.get(url)
        assert response["API-Version"] == "1.1.0"
    missing = api.get("/api/v1/gemeenten/GM9999")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    problem = missing.json()
    assert problem["status"] == 404 and problem["title"] and problem["detail"]


def test_a_trailing_slash_is_a_404_not_a_redirect(api_as: MakeClient) -> None:
    response = api_as(None).get("/api/v1/gemeenten/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_the_office_changes_a_municipality_only_with_the_current_etag(
    api_as: MakeClient,
) -> None:
    api = api_as(UserFactory(office=True))
    url = "/api/v1/gemeenten/GM0193"
    without = api.patch(url, {"naam": "Zwolle aan de IJssel"})
    assert without.status_code == 428
    etag = api.get(url)["ETag"]
    changed = api.patch(url, {"naam": "Zwolle aan de IJssel"}, **{"If-Match": etag})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["naam"] == "Zwolle aan de IJssel"
    stale = api.patch(url, {"naam": "Zwolle"}, **{"If-Match": etag})
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert Municipality.objects.get(cbs_code="GM0193").name == "Zwolle aan de IJssel"


def test_invalid_input_lists_every_error(api_as: MakeClient) -> None:
    api = api_as(UserFactory(office=True))
    response = api.post("/api/v1/gemeenten", {"cbsCode": "1234", "provincie": "xx"})
    assert response.status_code == 400
    names = {param["name"] for param in response.json()["invalidParams"]}
    assert names == {"cbsCode", "naam", "provincie"}


def test_a_duplicate_cbs_code_is_refused_in_plain_words(api_as: MakeClient) -> None:
    api = api_as(UserFactory(office=True))
    response = api.post(
        "/api/v1/gemeenten", {"cbsCode": "GM0193", "naam": "Nog een Zwolle", "provincie": "pv23"}
    )
    assert response.status_code == 400
    assert response.json()["invalidParams"][0]["name"] == "cbsCode"
    assert Municipality.objects.filter(name="Nog een Zwolle").count() == 0


def test_a_member_may_read_but_not_change_the_register(api_as: MakeClient) -> None:
    body = BodyFactory()
    member = UserFactory(person=RoleFactory(body=body).person)
    api = api_as(member)
    assert api.get("/api/v1/gemeenten/GM0193").status_code == 200
    assert api.change("patch", "/api/v1/gemeenten/GM0193", {"naam": "X"}).status_code == 403
    created = api.post("/api/v1/organisaties", {"slug": "nieuw", "naam": "Nieuw", "soort": "other"})
    assert created.status_code == 403


def test_without_a_token_nothing_can_be_changed(api_as: MakeClient) -> None:
    response = api_as(None).post(
        "/api/v1/organisaties", {"slug": "nieuw", "naam": "Nieuw", "soort": "other"}
    )
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"


def test_a_restricted_body_its_roles_and_its_only_members_stay_hidden(
    api_as: MakeClient,
) -> None:
    secret = BodyFactory(name="Geheime werkgroep", slug="geheim", visibility="restricted")
    role = RoleFactory(body=secret, function="lid")
    outsider = api_as(UserFactory(person=RoleFactory().person))
    office = api_as(UserFactory(office=True))
    for api, seen in ((outsider, False), (office, True)):
        assert (api.get("/api/v1/gremia/geheim").status_code == 200) is seen
        bodies = api.get("/api/v1/gremia?paginaGrootte=100").json()["resultaten"]
        assert ("geheim" in {b["slug"] for b in bodies}) is seen
        roles = api.get("/api/v1/rollen?gremium=geheim").json()["aantal"]
        assert (roles > 0) is seen
        assert (api.get(f"/api/v1/rollen/{role.pk}").status_code == 200) is seen
        person = api.get(f"/api/v1/personen/{role.person.slug}")
        assert (person.status_code == 200) is seen


def test_contact_details_are_for_members_only(api_as: MakeClient) -> None:
    role = RoleFactory(person__email="wethouder@zwolle.nl")
    slug = role.person.slug
    assert api_as(None).get(f"/api/v1/personen/{slug}").json()["email"] == ""
    member = UserFactory(person=RoleFactory().person)
    assert api_as(member).get(f"/api/v1/personen/{slug}").json()["email"] == "wethouder@zwolle.nl"


def test_the_office_creates_and_deletes_a_role(api_as: MakeClient) -> None:
    api = api_as(UserFactory(office=True))
    body = BodyFactory(slug="nieuwe-groep")
    person = RoleFactory().person
    created = api.post(
        "/api/v1/rollen",
        {"persoon": person.slug, "gremium": "nieuwe-groep", "functie": "lid", "begin": "2021-03"},
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["begin"] == "2021-03"
    assert created["Location"].endswith(f"/api/v1/rollen/{data['id']}")
    wrong = api.post(
        "/api/v1/rollen",
        {"gremium": body.slug, "functie": "lid", "begin": "2021-05", "eind": "2021-01"},
    )
    assert wrong.status_code == 400
    assert wrong.json()["invalidParams"][0]["name"] == "eind"
    gone = api.change("delete", created["Location"])
    assert gone.status_code == 204
    assert api.get(created["Location"]).status_code == 404


def test_a_reference_with_a_nul_byte_is_refused_not_looked_up(api_as: MakeClient) -> None:
    api = api_as(UserFactory(office=True))
    response = api.post(
        "/api/v1/rollen",
        {"persoon": "wil\x00lem", "gremium": "bes\x00tuur", "functie": "lid", "begin": "2021"},
    )
    assert response.status_code == 400
    assert {p["name"] for p in response.json()["invalidParams"]} == {"persoon", "gremium"}


def test_a_person_others_still_refer_to_is_kept_and_the_answer_names_them(
    api_as: MakeClient,
) -> None:
    api = api_as(UserFactory(office=True))
    person = PersonFactory(name="Pieter Verwijs", slug="pieter-verwijs")
    for number in range(7):
        RoleFactory(person=person, body=BodyFactory(name=f"Themagroep {number:02d}"))
    url = "/api/v1/personen/pieter-verwijs"

    refused = api.change("delete", url)

    assert refused.status_code == 409
    assert refused["Content-Type"] == "application/problem+json"
    problem = refused.json()
    assert problem["aantalVerwijzingen"] == 7
    assert problem["verwijzingen"] == [
        {"soort": "rol", "naam": f"Pieter Verwijs, lid Themagroep {number:02d}"}
        for number in range(5)
    ]
    assert problem["detail"].startswith(
        "“Pieter Verwijs” kan niet worden verwijderd: er verwijzen nog 7 gegevens naar "
        "(rol “Pieter Verwijs, lid Themagroep 00”, "
    )
    assert problem["detail"].endswith(" en 2 andere). Pas die eerst aan of verwijder ze.")
    assert api.get(url).status_code == 200


def test_an_organisation_or_body_in_use_is_refused_with_409_not_an_error(
    api_as: MakeClient,
) -> None:
    api = api_as(UserFactory(office=True))
    owner = OrganisationFactory(name="Ministerie van BZK", slug="bzk")
    BodyFactory(name="Taskforce Wonen", owner=owner, external=True)
    parent = BodyFactory(name="Pijler Wonen", slug="pijler-wonen")
    BodyFactory(name="Themagroep Huur", parent=parent)

    organisation = api.change("delete", "/api/v1/organisaties/bzk")
    body = api.change("delete", "/api/v1/gremia/pijler-wonen")

    assert organisation.status_code == body.status_code == 409
    assert organisation.json()["verwijzingen"] == [{"soort": "gremium", "naam": "Taskforce Wonen"}]
    assert body.json()["detail"] == (
        "“Pijler Wonen” kan niet worden verwijderd: er verwijst nog 1 gegeven naar "
        "(gremium “Themagroep Huur”). Pas dat eerst aan of verwijder het."
    )
    # Once nothing refers to it any more, it goes.
    Body.objects.filter(parent=parent).delete()
    assert api.change("delete", "/api/v1/gremia/pijler-wonen").status_code == 204


def test_if_match_star_is_refused_like_a_missing_etag(api_as: MakeClient) -> None:
    api = api_as(UserFactory(office=True))
    url = "/api/v1/gemeenten/GM0193"

    for answer in (
        api.patch(url, {"naam": "Zwolle aan de IJssel"}, **{"If-Match": "*"}),
        api.put(url, {"naam": "Zwolle aan de IJssel"}, **{"If-Match": "*"}),
        api.delete(url, **{"If-Match": "*"}),
        api.patch(
            url, {"naam": "Zwolle aan de IJssel"}, **{"If-Match": f"*, {api.get(url)['ETag']}"}
        ),
    ):
        assert answer.status_code == 428
        assert answer["Content-Type"] == "application/problem+json"
        assert answer.json()["detail"].startswith("If-Match: * zegt niet welke versie")
    assert Municipality.objects.get(cbs_code="GM0193").name == "Zwolle"


def test_an_organisation_that_is_a_member_shows_its_membership_but_is_no_city(
    api_as: MakeClient,
) -> None:
    province = OrganisationFactory(slug="overijssel", name="Provincie Overijssel", kind="province")
    MembershipFactory(
        municipality=None, organisation=province, start=dt.date(2020, 1, 1), start_precision="year"
    )
    api = api_as(None)
    data = api.get("/api/v1/organisaties/overijssel").json()
    assert data["soort"] == "province"
    assert data["lidmaatschappen"] == [{"begin": "2020", "eind": None}]
    assert api.get("/api/v1/organisaties/vng").json()["lidmaatschappen"] == []
    assert api.get("/api/v1/gemeenten?lid=true").json()["aantal"] == 40
