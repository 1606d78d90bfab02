"""Search finds a person only where their page may be seen: through the bodies they sit in,
kept in step when a seat or a body changes."""

from __future__ import annotations

from django.test import Client

from koepel.registry import services
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


def _found(client: Client, word: str) -> bool:
    page = client.get(f"/zoeken/?q={word}").content.decode()
    return word in page.partition('class="search-results"')[2].lower()


def test_a_person_seated_only_in_a_closed_body_is_not_found_by_outsiders(
    db: None, client: Client
) -> None:
    closed = BodyFactory(visibility="restricted")
    person = services.person_save(person=PersonFactory.build(name="Kwartelzanger", slug="kz"))
    role = services.role_save(role=RoleFactory.build(body=closed, person=person))
    assert client.get("/personen/kz/").status_code == 404
    assert not _found(client, "kwartelzanger")

    role.body = BodyFactory(visibility="public")
    services.role_save(role=role)
    assert client.get("/personen/kz/").status_code == 200
    assert _found(client, "kwartelzanger")


def test_opening_the_body_opens_its_people_to_search(db: None, client: Client) -> None:
    body = BodyFactory(visibility="restricted")
    person = services.person_save(person=PersonFactory.build(name="Kwartelkoning", slug="kk"))
    services.role_save(role=RoleFactory.build(body=body, person=person))
    assert not _found(client, "kwartelkoning")
    body.visibility = "public"
    services.body_save(body=body)
    assert _found(client, "kwartelkoning")
