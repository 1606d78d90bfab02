"""The registry's pages as a browser gets them: what they show, to whom, and at what cost."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.visibility import Visibility
from koepel.registry.models import Ownership, Population
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)


def _page(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def _grow_registry(n: int) -> None:
    """Add n cities, people, bodies and roles, so a page's query count can be compared."""
    pillar = BodyFactory(kind="pillar")
    external = BodyFactory(external=True, owner=OrganisationFactory())
    for _ in range(n):
        membership = MembershipFactory(start=dt.date(2018, 1, 1))
        Population.objects.create(
            municipality=membership.municipality, year=2021, inhabitants=1000, source="test"
        )
        group = BodyFactory(parent=pillar)
        person = PersonFactory(municipality=membership.municipality)
        RoleFactory(person=person, body=group, on_behalf_of_municipality=membership.municipality)
        RoleFactory(person=person, body=external)
        RoleFactory(body=pillar, ended=True)


PAGES: dict[str, Callable[[], str]] = {
    "home": lambda: reverse("registry:home"),
    "municipalities": lambda: reverse("registry:municipalities"),
    "bodies": lambda: reverse("registry:bodies"),
    "organisations": lambda: reverse("registry:organisations"),
    "representation": lambda: reverse("registry:representation"),
    "people": lambda: reverse("registry:people"),
    "pillar": lambda: reverse("registry:body", args=[_pillar_slug()]),
}


def _pillar_slug() -> str:
    from koepel.registry.models import Body

    return Body.objects.filter(kind="pillar").values_list("slug", flat=True).first() or ""


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("signed_in", [False, True])
def test_list_pages_run_a_bounded_number_of_queries(
    db: None, client: Client, django_assert_max_num_queries: Any, page: str, signed_in: bool
) -> None:
    if signed_in:
        client.force_login(UserFactory(office=True))
    _grow_registry(3)
    with django_assert_max_num_queries(30) as few:
        client.get(PAGES[page]())
    _grow_registry(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(PAGES[page]())
    assert response.status_code == 200


def test_every_page_has_one_h1_a_skip_link_and_landmarks(db: None, client: Client) -> None:
    _grow_registry(2)
    for name, url in PAGES.items():
        page = _page(client, url())
        assert len(page.find_all("h1")) == 1, name
        skip = page.find("a", class_="skip-link")
        assert skip is not None and page.find(id=skip["href"].lstrip("#")) is not None
        assert page.find("main") and page.find("header") and page.find("footer")
        assert page.find("nav", attrs={"aria-label": True})
        assert page.html["lang"] == "nl"


def test_unknown_population_is_shown_as_unknown_and_the_total_says_how_many(
    db: None, client: Client
) -> None:
    known = MembershipFactory().municipality
    Population.objects.create(municipality=known, year=2021, inhabitants=109897, source="CBS")
    MembershipFactory()

    page = _page(client, reverse("registry:municipalities"))

    cells = [row.find_all("td")[2].get_text(strip=True) for row in page.tbody.find_all("tr")]
    assert sorted(cells) == ["109.897", "onbekend"]
    total = page.tfoot.get_text(" ", strip=True)
    assert "109.897" in total
    assert "1 gemeente onbekend" in total


def test_the_pages_speak_english_when_asked(db: None, client: Client) -> None:
    MembershipFactory()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = _page(client, reverse("registry:municipalities"))
    assert page.html["lang"] == "en"
    assert page.h1.get_text(strip=True) == "Municipalities"


def test_a_restricted_body_is_reachable_by_no_page_for_an_outsider(
    db: None, client: Client
) -> None:
    secret = BodyFactory(
        name="Geheime werkgroep",
        slug="geheim",
        ownership=Ownership.EXTERNAL,
        visibility=Visibility.RESTRICTED,
    )
    person = PersonFactory(name="Vera Vertrouwelijk")
    member = MembershipFactory().municipality
    RoleFactory(person=person, body=secret, on_behalf_of_municipality=member)
    outsider = UserFactory(person=RoleFactory().person)
    urls = [
        reverse("registry:home"),
        reverse("registry:bodies"),
        reverse("registry:representation"),
        person.get_absolute_url(),
        member.get_absolute_url(),
    ]
    for who in (None, outsider):
        if who:
            client.force_login(who)
        for url in urls:
            assert "Geheime werkgroep" not in client.get(url).content.decode(), url
        assert client.get(secret.get_absolute_url()).status_code == 404

    client.force_login(UserFactory(person=person))
    assert client.get(secret.get_absolute_url()).status_code == 200


def test_contact_details_are_never_shown_to_the_public(db: None, client: Client) -> None:
    person = PersonFactory(email="wethouder@gemeente.example", phone="+31 6 1234 5678")

    assert (
        "wethouder@gemeente.example" not in client.get(person.get_absolute_url()).content.decode()
    )

    client.force_login(UserFactory(person=RoleFactory().person))
    assert "wethouder@gemeente.example" in client.get(person.get_absolute_url()).content.decode()


def test_an_unknown_address_is_a_404(db: None, client: Client) -> None:
    assert client.get(reverse("registry:municipality", args=["GM9999"])).status_code == 404
    assert client.get(reverse("registry:person", args=["niemand"])).status_code == 404
    assert client.get(reverse("registry:organisation", args=["niets"])).status_code == 404


def test_an_english_browser_still_gets_dutch_until_the_visitor_chooses(
    db: None, client: Client
) -> None:
    page = _page_with(client, reverse("registry:municipalities"), HTTP_ACCEPT_LANGUAGE="en-US,en")
    assert page.html["lang"] == "nl"
    assert page.h1.get_text(strip=True) == "Gemeenten"


def _page_with(client: Client, url: str, **headers: str) -> BeautifulSoup:
    response = client.get(url, **headers)  # type: ignore[arg-type]
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_a_public_body_inside_a_restricted_one_shows_no_trace_of_it(
    db: None, client: Client
) -> None:
    secret = BodyFactory(name="Stille Kamer", slug="stille-kamer", visibility=Visibility.RESTRICTED)
    middle = BodyFactory(name="Pijler Midden", slug="midden", parent=secret)
    group = BodyFactory(name="Themagroep Open", slug="open", parent=middle)
    member = PersonFactory()
    RoleFactory(person=member, body=secret)

    outsider_view = _page(client, group.get_absolute_url()).get_text()
    assert "Pijler Midden" in outsider_view
    assert "Stille Kamer" not in outsider_view

    client.force_login(UserFactory(person=member))
    assert "Stille Kamer" in _page(client, group.get_absolute_url()).get_text()
