"""Who may do what through the API, resource by resource: the same rules as the pages.

For every resource and method the expected status for each kind of user — nobody signed in, a
member of the body, the secretary of another body, the secretary of the body, the network
office — and a restricted record absent from every list and from search for those who may not
see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.api.tests.conftest import ApiClient
from koepel.registry.models import Body
from koepel.registry.tests.factories import (
    BodyFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

WHO = ("anonymous", "member", "other_secretary", "secretary", "office")


@dataclass
class Cast:
    body: Body
    users: dict[str, User | None]
    clients: dict[str, ApiClient] = field(default_factory=dict)


@pytest.fixture
def cast(db: None, api_as: Callable[..., ApiClient]) -> Cast:
    body = BodyFactory(slug="sterke-keten", name="Sterke Keten")
    other = BodyFactory(slug="andere-groep")
    users: dict[str, User | None] = {
        "anonymous": None,
        "member": UserFactory(person=RoleFactory(body=body, function="lid").person),
        "other_secretary": UserFactory(
            person=RoleFactory(body=other, function="ambtelijk_secretaris").person
        ),
        "secretary": UserFactory(
            person=RoleFactory(body=body, function="ambtelijk_secretaris").person
        ),
        "office": UserFactory(office=True),
    }
    cast = Cast(body=body, users=users)
    cast.clients = {who: api_as(user) for who, user in users.items()}
    return cast


@dataclass(frozen=True)
class Resource:
    path: str
    # A new record for the body "sterke-keten", as a client would send it.
    new: Callable[[int], dict[str, Any]]
    # A change to make to an existing record.
    change: dict[str, Any]
    # Whether records carry a visibility (and so can be restricted).
    restricted: bool = True
    # Who may write: the secretary of the body (the body's own records) or the office alone
    # (the register).
    office_only: bool = False
    key: str = "id"
    title: str = "titel"


RESOURCES = [
    Resource(
        "bijeenkomsten",
        lambda n: {
            "titel": f"Zuurstokroze overleg {n}",
            "soort": "themasessie",
            "niveau": "bestuurlijk",
            "vorm": "online",
            "datum": "2031-09-14",
            "gremia": ["sterke-keten"],
        },
        {"locatie": "Zwolle"},
    ),
    Resource(
        "lobbydossiers",
        lambda n: {
            "slug": f"dossier-{n}",
            "titel": f"Zuurstokroze dossier {n}",
            "doel": "Meer woningen",
            "gremia": ["sterke-keten"],
        },
        {"doel": "Nog meer woningen"},
        key="slug",
    ),
    Resource(
        "lobbyacties",
        lambda n: {
            "titel": f"Zuurstokroze brief {n}",
            "soort": "brief",
            "datum": "2021-05",
            "gremia": ["sterke-keten"],
        },
        {"samenvatting": "Korter"},
    ),
    Resource(
        "mijlpalen",
        lambda n: {
            "titel": f"Zuurstokroze mijlpaal {n}",
            "datum": "2021",
            "gremia": ["sterke-keten"],
        },
        {"omschrijving": "Bereikt"},
    ),
    Resource(
        "documenten",
        lambda n: {
            "slug": f"document-{n}",
            "titel": f"Zuurstokroze rapport {n}",
            "soort": "rapport",
            "gremia": ["sterke-keten"],
        },
        {"samenvatting": "Kort"},
        key="slug",
    ),
    Resource(
        "gremia",
        lambda n: {
            "slug": f"werkgroep-{n}",
            "naam": f"Zuurstokroze werkgroep {n}",
            "soort": "working_group",
            "onderdeelVan": "sterke-keten",
        },
        {"omschrijving": "Anders"},
        office_only=True,
        key="slug",
        title="naam",
    ),
    Resource(
        "rollen",
        lambda n: {"gremium": "sterke-keten", "functie": "lid", "begin": "2021"},
        {"functieToelichting": "Wonen"},
        restricted=False,
        office_only=True,
        title="",
    ),
    Resource(
        "organisaties",
        lambda n: {"slug": f"org-{n}", "naam": f"Organisatie {n}", "soort": "other"},
        {"afkorting": "ORG"},
        restricted=False,
        office_only=True,
        key="slug",
        title="naam",
    ),
    Resource(
        "personen",
        lambda n: {"slug": f"persoon-x{n}", "naam": f"Persoon X{n}"},
        {"functietitel": "wethouder"},
        restricted=False,
        office_only=True,
        key="slug",
        title="naam",
    ),
]

WRITE = {
    # who: (status for the body's own records, status for the register)
    "anonymous": (401, 401),
    "member": (403, 403),
    "other_secretary": (403, 403),
    "secretary": (None, 403),
    "office": (None, None),
}


def _expected(who: str, resource: Resource, success: int) -> int:
    own, register = WRITE[who]
    status = register if resource.office_only else own
    return success if status is None else status


def _made_by_office(cast: Cast, resource: Resource, n: int, **extra: Any) -> str:
    response = cast.clients["office"].post(f"/api/v1/{resource.path}", {**resource.new(n), **extra})
    assert response.status_code == 201, response.json()
    return str(response["Location"])


@pytest.mark.parametrize("resource", RESOURCES, ids=lambda r: r.path)
def test_who_may_create_change_and_delete(cast: Cast, resource: Resource) -> None:
    for number, who in enumerate(WHO):
        created = cast.clients[who].post(f"/api/v1/{resource.path}", resource.new(number))
        assert created.status_code == _expected(who, resource, 201), (who, created.json())

        url = (
            _made_by_office(cast, resource, 100 + number, zichtbaarheid="public")
            if (resource.restricted)
            else _made_by_office(cast, resource, 100 + number)
        )
        changed = cast.clients[who].change("patch", url, resource.change)
        assert changed.status_code == _expected(who, resource, 200), (who, changed.json())

        deleted = cast.clients[who].change("delete", url)
        assert deleted.status_code == _expected(who, resource, 204), who


@pytest.mark.parametrize("resource", [r for r in RESOURCES if r.restricted], ids=lambda r: r.path)
def test_a_restricted_record_is_absent_for_those_who_may_not_see_it(
    cast: Cast, resource: Resource
) -> None:
    url = _made_by_office(cast, resource, 7, zichtbaarheid="restricted")
    title = resource.new(7)[resource.title]
    sees = {"anonymous": False, "member": False, "other_secretary": False}
    sees |= {"secretary": True, "office": True}
    for who, seen in sees.items():
        api = cast.clients[who]
        assert (api.get(url).status_code == 200) is seen, who
        if not seen:
            assert api.get(url).status_code == 404
            blind = api.patch(url, resource.change, **{"If-Match": "*"})
            assert blind.status_code == (401 if who == "anonymous" else 404), who
        listed = api.get(f"/api/v1/{resource.path}?paginaGrootte=100").json()["resultaten"]
        assert (title in {row.get(resource.title) for row in listed}) is seen, who
        walked = _walked_by_cursor(api, f"/api/v1/{resource.path}?cursor=&paginaGrootte=2")
        assert (title in {row.get(resource.title) for row in walked}) is seen, who
        found = api.get("/api/v1/zoeken?q=zuurstokroze").json()
        titles = {hit["titel"] for hit in found["resultaten"]}
        assert (title in titles) is seen, (who, titles)


def _walked_by_cursor(api: ApiClient, url: str) -> list[dict[str, Any]]:
    """Every row of a list, page by page through its cursors."""
    rows: list[dict[str, Any]] = []
    while url:
        body = api.get(url).json()
        rows += body["resultaten"]
        url = body["volgende"].split("testserver", 1)[-1] if body["volgende"] else ""
    return rows


def test_the_register_without_visibility_is_read_by_all(cast: Cast) -> None:
    city = MunicipalityFactory(cbs_code="GM0193", name="Zwolle")
    OrganisationFactory(slug="vng")
    PersonFactory(slug="willem")
    for who in WHO:
        api = cast.clients[who]
        assert api.get(f"/api/v1/gemeenten/{city.cbs_code}").status_code == 200, who
        assert api.get("/api/v1/organisaties/vng").status_code == 200, who
        assert api.get("/api/v1/personen/willem").status_code == 200, who
