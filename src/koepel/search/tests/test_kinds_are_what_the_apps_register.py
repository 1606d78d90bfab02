"""The kinds of record search knows are the ones the apps register, each with one call in its
``ready()``: the page's filter, the counts, the API's choices and the check of what is written
all follow from those registrations, and search itself lists none."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from koepel import search
from koepel.registry.models import Person, Role
from koepel.search import index, kinds
from koepel.search.tests.conftest import search_page


def test_the_apps_register_every_kind_in_the_order_they_are_installed() -> None:
    assert kinds.codes() == (
        "gemeente",
        "organisatie",
        "persoon",
        "gremium",
        "bijeenkomst",
        "lobbydossier",
        "lobbyactie",
        "mijlpaal",
        "document",
        "sectie",
    )
    assert {kind.model._meta.app_label for kind in kinds.registered()} == {
        "registry",
        "meetings",
        "advocacy",
        "library",
    }


def test_an_entry_of_a_kind_nobody_registered_is_refused(network: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="Unknown kind"):
        index.bulk_put([("elders.iets:1", index.Entry(title="Iets", text="", url="/"))])
    with pytest.raises(ValueError, match="Unknown kind"):
        index.bulk_put(
            [("elders.iets:1", index.Entry(kind="taart", title="Iets", text="", url="/"))]
        )
    # A section is a section, whatever the entry says.
    with pytest.raises(ValueError, match="is of the kind 'sectie'"):
        index.bulk_put(
            [("library.section:1", index.Entry(kind="document", title="Iets", text="", url="/"))]
        )


def _role_entry(role: Role) -> index.Entry:
    return index.Entry(
        title=f"{role.person.name} in {role.body.name}",
        text="Beheert de fietsenstalling.",
        url=role.body.get_absolute_url(),
        visibility=role.body.visibility,
        bodies=(role.body_id,),
    )


@pytest.fixture
def roles_are_searchable() -> Iterator[None]:
    search.register(
        search.SearchKind(
            model=Role,
            code="rol",
            label="Rollen",
            to_entry=_role_entry,
            queryset=lambda: Role.objects.select_related("person", "body"),
        )
    )
    yield
    kinds.unregister(Role)


@pytest.mark.usefixtures("roles_are_searchable")
def test_one_registration_makes_a_record_searchable_on_the_page_and_in_the_api(
    network: dict[str, Any], client: Client
) -> None:
    role = Role.objects.get(person=network["named"])
    index.update(role)

    page = search_page(client, "fietsenstalling")
    assert [(hit.kind, hit.title) for hit in page.hits] == [
        ("rol", "Nina Genoemd in Themagroep Wonen")
    ]
    assert page.counts["rol"] == 1
    assert page.soup.select_one(".search-hit .tag").get_text(strip=True) == "Rol"
    label = page.soup.find("label", attrs={"for": page.soup.find(value="rol")["id"]})
    assert label.get_text(" ", strip=True) == "Rollen (1)"
    assert search_page(client, "fietsenstalling", soort="rol").total == 1
    assert search_page(client, "fietsenstalling", soort="bijeenkomst").hits == []

    answer = client.get("/api/v1/zoeken", {"q": "fietsenstalling", "soort": "rol"}).json()
    assert [hit["soort"] for hit in answer["resultaten"]] == ["rol"]
    assert answer["perSoort"] == {"rol": 1}


@pytest.mark.usefixtures("roles_are_searchable")
def test_a_code_is_one_kind_only() -> None:
    # "rol" is taken by roles.
    with pytest.raises(ValueError, match="registered as 'rol' already"):
        search.register(search.SearchKind(model=Person, code="rol", label="", to_entry=_role_entry))
    with pytest.raises(ValueError, match="lower-case"):
        search.register(search.SearchKind(model=Role, code="Rol!", label="", to_entry=_role_entry))
    assert kinds.for_model(Person).code == "persoon"  # a refused registration changes nothing
