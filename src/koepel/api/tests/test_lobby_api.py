"""The lobby through the API: dossiers and their outcomes, actions and the member cities'
answers, milestones — read as far as visible, changed by the office and the bodies' secretaries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from koepel.accounts.access import SYSTEM
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy import services
from koepel.advocacy.models import Dossier, LobbyAction, Milestone, Stage
from koepel.api.tests.conftest import ApiClient
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

MakeClient = Callable[..., ApiClient]
Queries = Callable[..., Any]


@pytest.fixture
def lobby(db: None) -> dict[str, Any]:
    body = BodyFactory(name="Themagroep Asiel", slug="asiel")
    other = BodyFactory(name="Themagroep Wonen", slug="wonen")
    hidden = BodyFactory(name="Geheime werkgroep", slug="geheim", visibility="restricted")
    secretary = PersonFactory(name="Sanne Secretaris", slug="sanne")
    RoleFactory(person=secretary, body=body, function="ambtelijk_secretaris")
    other_secretary = PersonFactory()
    RoleFactory(person=other_secretary, body=other, function="ambtelijk_secretaris")
    city = MembershipFactory().municipality
    official = PersonFactory(municipality=city)
    RoleFactory(person=official, body=body)
    OrganisationFactory(slug="bzk", name="Ministerie van BZK")
    OrganisationFactory(slug="vng", name="VNG")
    return {
        "body": body,
        "other": other,
        "hidden": hidden,
        "city": city,
        "secretary": UserFactory(person=secretary),
        "other_secretary": UserFactory(person=other_secretary),
        "official": UserFactory(person=official),
        "outsider": UserFactory(person=RoleFactory(body=other).person),
        "office": UserFactory(office=True),
    }


def _dossier(lobby: dict[str, Any], slug: str, visibility: str = "public", **extra: Any) -> Dossier:
    bodies = extra.pop("bodies", [lobby["body"]])
    return services.dossier_create(
        actor=SYSTEM,
        bodies=bodies,
        slug=slug,
        title=f"Dossier {slug}",
        goal="Meer geld voor de opvang.",
        visibility=visibility,
        **extra,
    )


def _action(lobby: dict[str, Any], title: str, visibility: str = "public", **extra: Any) -> Any:
    bodies = extra.pop("bodies", [lobby["body"]])
    fields = {"kind": "brief", "date": dt.date(2021, 6, 1), "date_precision": "month", **extra}
    return services.action_create(
        actor=SYSTEM, bodies=bodies, title=title, visibility=visibility, **fields
    )


def _slugs(response: Any, key: str = "slug") -> set[Any]:
    assert response.status_code == 200, response.json()
    return {row[key] for row in response.json()["resultaten"]}


# -- dossiers --------------------------------------------------------------------------------


def test_the_dossier_list_shows_each_visitor_what_they_may_see_in_constant_queries(
    lobby: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    for n in range(6):
        _dossier(
            lobby, f"open-{n}", people=[PersonFactory()], bodies=[lobby["body"], lobby["hidden"]]
        )
    _dossier(lobby, "intern", visibility="network")
    _dossier(lobby, "dicht", visibility="restricted")
    anonymous = api_as(None)
    with django_assert_max_num_queries(6):
        page = anonymous.get("/api/v1/lobbydossiers?paginaGrootte=50")
    assert _slugs(page) == {f"open-{n}" for n in range(6)}
    # The restricted working group is never named, not even on a public dossier.
    row = page.json()["resultaten"][0]
    assert row["gremia"] == ["asiel"]
    assert row["uitkomsten"].endswith(f"/api/v1/lobbydossiers/{row['slug']}/uitkomsten")
    outsider = _slugs(api_as(lobby["outsider"]).get("/api/v1/lobbydossiers?paginaGrootte=50"))
    assert "intern" in outsider and "dicht" not in outsider
    assert "dicht" in _slugs(api_as(lobby["secretary"]).get("/api/v1/lobbydossiers"))


def test_a_restricted_dossier_is_not_found_by_an_outsider(
    lobby: dict[str, Any], api_as: MakeClient
) -> None:
    _dossier(lobby, "dicht", visibility="restricted")
    for user in (None, lobby["outsider"], lobby["other_secretary"]):
        response = api_as(user).get("/api/v1/lobbydossiers/dicht")
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert api_as(user).get("/api/v1/lobbydossiers/dicht/uitkomsten").status_code == 404
    assert api_as(lobby["office"]).get("/api/v1/lobbydossiers/dicht").status_code == 200


def test_dossiers_are_filtered_by_status_body_and_year(
    lobby: dict[str, Any], api_as: MakeClient
) -> None:
    won = _dossier(lobby, "gewonnen")
    services.dossier_set_outcome(
        actor=SYSTEM, dossier=won, status="behaald", date=dt.date(2021, 11, 1), evidence="Brief"
    )
    _dossier(lobby, "wonen-dossier", bodies=[lobby["other"]])
    _dossier(lobby, "geheim-dossier", bodies=[lobby["hidden"]])
    api = api_as(None)
    assert _slugs(api.get("/api/v1/lobbydossiers?status=behaald")) == {"gewonnen"}
    assert _slugs(api.get("/api/v1/lobbydossiers?gremium=wonen")) == {"wonen-dossier"}
    assert _slugs(api.get("/api/v1/lobbydossiers?jaar=2021")) == {"gewonnen"}
    # A hidden body's slug finds nothing, even where the dossier itself is public.
    assert _slugs(api.get("/api/v1/lobbydossiers?gremium=geheim")) == set()
    ordered = api.get("/api/v1/lobbydossiers?sorteer=-title").json()["resultaten"]
    assert [row["slug"] for row in ordered] == sorted((r["slug"] for r in ordered), reverse=True)


def test_a_secretary_creates_and_changes_a_dossier_with_the_current_etag(
    lobby: dict[str, Any], api_as: MakeClient
) -> None:
    api = api_as(lobby["secretary"])
    created = api.post(
        "/api/v1/lobbydossiers",
        {
            "slug": "amv",
            "titel": "Opvang amv tot 21",
            "doel": "Opvang en begeleiding tot 21 jaar.",
            "gremia": ["asiel"],
            "personen": ["sanne"],
            "zichtbaarheid": "network",
        },
    )
    assert created.status_code == 201, created.json()
    assert created["Location"].endswith("/api/v1/lobbydossiers/amv")
    assert created.json()["status"] == "lopend"
    url = "/api/v1/lobbydossiers/amv"
    without = api.patch(url, {"titel": "Zonder ETag"})
    assert without.status_code == 428
    etag = api.get(url)["ETag"]
    changed = api.patch(url, {"titel": "Opvang amv tot 21 jaar"}, **{"If-Match": etag})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["titel"] == "Opvang amv tot 21 jaar"
    stale = api.patch(url, {"titel": "Oud"}, **{"If-Match": etag})
    assert stale.status_code == 412
    assert stale["Content-Type"] == "application/problem+json"
    assert Dossier.objects.get(slug="amv").title == "Opvang amv tot 21 jaar"
    gone = api.change("delete", url)
    assert gone.status_code == 204
    assert not Dossier.objects.filter(slug="amv").exists()


def test_a_secretary_of_another_body_may_not_create_or_change_a_dossier(
    lobby: dict[str, Any], api_as: MakeClient
) -> None:
    _dossier(lobby, "amv")
    api = api_as(lobby["other_secretary"])
    created = api.post(
        "/api/v1/lobbydossiers",
        {"slug": "nieuw", "titel": "Nieuw", "doel": "Iets", "gremia": ["asiel"]},
    )
    assert created.status_code == 403
    assert not Dossier.objects.filter(slug="nieuw").exists()
    changed = api.change("patch", "/api/v1/lobbydossiers/amv", {"titel": "Overgenomen"})
    assert changed.status_code == 403
    assert api.change("delete", "/api/v1/lobbydossiers/amv").status_code == 403
    assert Dossier.objects.get(slug="amv").title == "Dossier amv"


def test_invalid_dossier_input_lists_every_field(lobby: dict[str, Any], api_as: MakeClient) -> None:
    api = api_as(lobby["secretary"])
    response = api.post("/api/v1/lobbydossiers", {"zichtbaarheid": "geheim", "gremia": ["nope"]})
    assert response.status_code == 400
    names = {param["name"] for param in response.json()["invalidParams"]}
    assert names == {"slug", "titel", "doel", "gremia", "zichtbaarheid"}


def test_changing_the_bodies_keeps_a_body_the_secretary_cannot_see(
    lobby: dict[str, Any], api_as: MakeClient
) -> None:
    dossier = _dossier(lobby, "amv", bodies=[lobby["body"], lobby["hidden"]])
    api = api_as(lobby["secretary"])
    changed = api.change("patch", "/api/v1/lobbydossiers/amv", {"gremia": ["asiel"]})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["gremia"] == ["asiel"]
    assert set(dossier.bodies.values_list("slug", flat=True)) == {"asiel", "geheim"}


def test_a_secretary_records_an_outcome_and_the_dossier_follows(
    lobby: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    _dossier(lobby, "amv")
    api = api_as(lobby["secretary"])
    url = "/api/v1/lobbydossiers/amv/uitkomsten"
    wrong = api.post(url, {"status": "gewonnen", "bewijs": ""})
    assert wrong.status_code == 400
    assert {p["name"] for p in wrong.json()["invalidParams"]} == {"status", "datum", "bewijs"}
    etag_before = api.get("/api/v1/lobbydossiers/amv")["ETag"]
    made = api.post(
        url,
        {
            "status": "deels_behaald",
            "datum": "2021-12",
            "bewijs": "Incidenteel geld in de begroting.",
            "bedrag": "15000000",
            "financiering": "incidenteel",
        },
    )
    assert made.status_code == 201, made.json()
    assert made.json()["datum"] == "2021-12"
    assert api.get(made["Location"]).json()["status"] == "deels_behaald"
    dossier = api.get("/api/v1/lobbydossiers/amv").json()
    assert (dossier["status"], dossier["statusDatum"], dossier["bedrag"]) == (
        "deels_behaald",
        "2021-12",
        "15000000",
    )
    # The outcome changed the dossier, so an edit made on the old version is refused.
    stale = api.patch("/api/v1/lobbydossiers/amv", {"titel": "X"}, **{"If-Match": etag_before})
    assert stale.status_code == 412
    api.post(url, {"status": "behaald", "datum": "2022", "bewijs": "Structureel geregeld."})
    with django_assert_max_num_queries(4):
        listed = api_as(None).get(url)
    assert [row["status"] for row in listed.json()["resultaten"]] == ["deels_behaald", "behaald"]
    outsider = api_as(lobby["other_secretary"]).post(
        url, {"status": "behaald", "datum": "2022", "bewijs": "Niet van mij."}
    )
    assert outsider.status_code == 403


# -- actions ---------------------------------------------------------------------------------


def test_the_action_list_names_only_visible_bodies_and_people_in_constant_queries(
    lobby: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    hidden_person = PersonFactory(slug="geheim-lid")
    RoleFactory(person=hidden_person, body=lobby["hidden"])
    dossier = _dossier(lobby, "amv")
    for n in range(6):
        action = _action(
            lobby,
            f"Brief {n}",
            bodies=[lobby["body"], lobby["hidden"]],
            dossiers=[dossier],
            addressees=OrganisationFactory.create_batch(1),
            people=[hidden_person],
        )
        if n == 0:
            services.action_adopt(
                actor=SYSTEM, action=action, body=lobby["hidden"], date=dt.date(2021, 6, 2)
            )
    _action(lobby, "Concept", visibility="restricted")
    with django_assert_max_num_queries(10):
        page = api_as(None).get("/api/v1/lobbyacties?paginaGrootte=50")
    rows = page.json()["resultaten"]
    assert {row["titel"] for row in rows} == {f"Brief {n}" for n in range(6)}
    assert all(row["gremia"] == ["asiel"] and row["personen"] == [] for row in rows)
    assert all(row["dossiers"] == ["amv"] for row in rows)
    assert rows[0]["vastgesteldDoor"] is None and rows[0]["fase"] == "vastgesteld"
    office = api_as(lobby["office"]).get("/api/v1/lobbyacties?paginaGrootte=50").json()
    assert len(office["resultaten"]) == 7


def test_actions_are_filtered_by_kind_stage_body_dossier_and_year(
    lobby: dict[str, Any], api_as: MakeClient
) -> None:
    dossier = _dossier(lobby, "amv")
    _action(lobby, "Brief", dossiers=[dossier])
    _action(lobby, "Paper", kind="position_paper", bodies=[lobby["other"]])
    api = api_as(None)

    def titles(query: str) -> set[str]:
        rows = api.get(f"/api/v1/lobbyacties?{query}").json()["resultaten"]
        return {row["titel"] for row in rows}

    assert titles("soort=position_paper") == {"Paper"}
    assert titles("gremium=asiel") == {"Brief"}
    assert titles("dossier=amv") == {"Brief"}
    assert titles("jaar=2021") == {"Brief", "Paper"}
    assert titles("jaar=2020") == set()
    assert titles("fase=concept") == {"Brief", "Paper"}
    assert titles("fase=verzonden") == set()


def test_a_secretary_records_and_changes_an_action(
    lobby: dict[str, Any], api_as: MakeClient
) -> None:
    _dossier(lobby, "amv")
    api = api_as(lobby["secretary"])
    created = api.post(
        "/api/v1/lobbyacties",
        {
            "titel": "Brief over amv",
            "soort": "brief",
            "datum": "2021-06-14",
            "dossiers": ["amv"],
            "geadresseerden": ["bzk"],
            "samenMet": ["vng"],
            "gremia": ["asiel"],
            "zichtbaarheid": "public",
        },
    )
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["fase"], data["geadresseerden"], data["samenMet"]) == ("concept", ["bzk"], ["vng"])
    url = created["Location"]
    assert url.endswith(f"/api/v1/lobbyacties/{data['id']}")
    etag = api.get(url)["ETag"]
    changed = api.put(
        url,
        {
            **{k: v for k, v in data.items() if k in {"soort", "datum", "gremia"}},
            "titel": "Brief 2",
        },
        **{"If-Match": etag},
    )
    assert changed.status_code == 200, changed.json()
    assert changed.json()["titel"] == "Brief 2"
    assert api.patch(url, {"titel": "Brief 3"}, **{"If-Match": etag}).status_code == 412
    assert LobbyAction.objects.get(pk=data["id"]).title == "Brief 2"
    other = api_as(lobby["other_secretary"])
    assert other.change("patch", url, {"titel": "Van mij"}).status_code == 403
    refused = other.post(
        "/api/v1/lobbyacties",
        {"titel": "X", "soort": "brief", "datum": "2021", "gremia": ["asiel"]},
    )
    assert refused.status_code == 403
    assert api.change("delete", url).status_code == 204


def test_invalid_action_input_lists_every_field(lobby: dict[str, Any], api_as: MakeClient) -> None:
    response = api_as(lobby["secretary"]).post(
        "/api/v1/lobbyacties", {"soort": "tweet", "datum": "14-06-2021", "dossiers": ["nope"]}
    )
    assert response.status_code == 400
    names = {param["name"] for param in response.json()["invalidParams"]}
    assert names == {"titel", "soort", "datum", "dossiers", "gremia"}


def test_a_restricted_action_is_not_found_by_an_outsider(
    lobby: dict[str, Any], api_as: MakeClient
) -> None:
    action = _action(lobby, "Concept", visibility="restricted")
    url = f"/api/v1/lobbyacties/{action.pk}"
    for user in (None, lobby["outsider"]):
        assert api_as(user).get(url).status_code == 404
        assert api_as(user).get(url + "/reacties").status_code == 404
    assert api_as(lobby["secretary"]).get(url).status_code == 200


def test_a_member_city_answers_a_consultation_for_itself_only(
    lobby: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    action = _action(lobby, "Position paper")
    other_city = MembershipFactory().municipality
    services.consultation_open(actor=SYSTEM, action=action)
    url = f"/api/v1/lobbyacties/{action.pk}/reacties"
    official = api_as(lobby["official"])
    wrong = official.post(url, {"antwoord": "oneens"})
    assert wrong.status_code == 400
    assert wrong.json()["invalidParams"][0]["name"] == "opmerking"
    made = official.post(url, {"antwoord": "eens"})
    assert made.status_code == 201, made.json()
    assert made.json()["gemeente"] == lobby["city"].cbs_code
    again = official.post(url, {"antwoord": "eens_met_opmerkingen", "opmerking": "Let op 18-."})
    assert again.status_code == 200
    refused = official.post(url, {"gemeente": other_city.cbs_code, "antwoord": "eens"})
    assert refused.status_code == 403
    office = api_as(lobby["office"])
    unsaid = office.post(url, {"gemeente": other_city.cbs_code, "antwoord": "eens"})
    assert unsaid.status_code == 400
    assert {p["name"] for p in unsaid.json()["invalidParams"]} == {"gegevenDoor", "gegevenVia"}
    recorded = office.post(
        url,
        {
            "gemeente": other_city.cbs_code,
            "antwoord": "eens",
            "gegevenDoor": "Wethouder De Vries",
            "gegevenVia": "telefoon",
        },
    )
    assert recorded.status_code == 201, recorded.json()
    assert recorded.json()["gegevenVia"] == "telefoon"
    assert api_as(None).get(url).status_code == 401
    with django_assert_max_num_queries(8):
        listed = official.get(url)
    answers = {r["gemeente"]: r["antwoord"] for r in listed.json()["resultaten"]}
    assert answers == {lobby["city"].cbs_code: "eens_met_opmerkingen", other_city.cbs_code: "eens"}
    one = official.get(f"{url}/{lobby['city'].cbs_code}")
    assert one.status_code == 200 and one.json()["opmerking"] == "Let op 18-."
    services.action_adopt(actor=SYSTEM, action=action, body=lobby["body"], date=dt.date(2021, 7, 1))
    action.refresh_from_db()
    assert action.stage == Stage.ADOPTED
    closed = official.post(url, {"antwoord": "oneens", "opmerking": "Te laat"})
    assert closed.status_code == 400


# -- milestones ------------------------------------------------------------------------------


def test_milestones_are_read_as_far_as_visible_in_constant_queries(
    lobby: dict[str, Any], api_as: MakeClient, django_assert_max_num_queries: Queries
) -> None:
    dossier = _dossier(lobby, "amv")
    hidden_dossier = _dossier(lobby, "dicht", visibility="restricted")
    for n in range(5):
        services.milestone_create(
            actor=SYSTEM,
            bodies=[lobby["body"], lobby["hidden"]],
            dossiers=[dossier, hidden_dossier],
            title=f"Mijlpaal {n}",
            date=dt.date(2021, 3, n + 1),
        )
    secret = services.milestone_create(
        actor=SYSTEM,
        bodies=[lobby["body"]],
        title="Geheim",
        date=dt.date(2021, 4, 1),
        visibility="restricted",
    )
    with django_assert_max_num_queries(6):
        page = api_as(None).get("/api/v1/mijlpalen")
    rows = page.json()["resultaten"]
    assert [row["titel"] for row in rows] == [f"Mijlpaal {n}" for n in range(5)]
    assert all(row["gremia"] == ["asiel"] and row["dossiers"] == ["amv"] for row in rows)
    api = api_as(None)
    assert api.get("/api/v1/mijlpalen?dossier=amv").json()["aantal"] == 5
    assert api.get("/api/v1/mijlpalen?dossier=dicht").json()["aantal"] == 0
    assert api.get("/api/v1/mijlpalen?gremium=geheim").json()["aantal"] == 0
    assert api.get("/api/v1/mijlpalen?jaar=2020").json()["aantal"] == 0
    assert api_as(lobby["outsider"]).get(f"/api/v1/mijlpalen/{secret.pk}").status_code == 404
    assert api_as(lobby["office"]).get(f"/api/v1/mijlpalen/{secret.pk}").status_code == 200


def test_a_secretary_records_and_changes_a_milestone(
    lobby: dict[str, Any], api_as: MakeClient
) -> None:
    api = api_as(lobby["secretary"])
    invalid = api.post("/api/v1/mijlpalen", {"datum": "gisteren"})
    assert invalid.status_code == 400
    assert {p["name"] for p in invalid.json()["invalidParams"]} == {"titel", "datum", "gremia"}
    created = api.post(
        "/api/v1/mijlpalen",
        {"titel": "Werkagenda vastgesteld", "datum": "2021-09", "gremia": ["asiel"]},
    )
    assert created.status_code == 201, created.json()
    url = created["Location"]
    etag = api.get(url)["ETag"]
    changed = api.patch(url, {"omschrijving": "Door het bestuur."}, **{"If-Match": etag})
    assert changed.status_code == 200, changed.json()
    assert changed.json()["datum"] == "2021-09"
    assert api.patch(url, {"titel": "Oud"}, **{"If-Match": etag}).status_code == 412
    other = api_as(lobby["other_secretary"])
    assert other.change("patch", url, {"titel": "Van mij"}).status_code == 403
    added = api.change("patch", url, {"gremia": ["asiel", "wonen"]})
    assert added.status_code == 403  # not the secretary of Wonen
    refused = other.post("/api/v1/mijlpalen", {"titel": "X", "datum": "2021", "gremia": ["asiel"]})
    assert refused.status_code == 403
    milestone = Milestone.objects.get(pk=created.json()["id"])
    assert (milestone.title, milestone.description) == (
        "Werkagenda vastgesteld",
        "Door het bestuur.",
    )
    assert api.change("delete", url).status_code == 204
    assert not Milestone.objects.filter(pk=milestone.pk).exists()
