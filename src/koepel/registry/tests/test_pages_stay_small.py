"""Pages of the registry show one page of rows, or the top of a tree, however big the network."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.core.pagination import PAGE_SIZE
from koepel.registry.models import Population
from koepel.registry.tests.factories import BodyFactory, MembershipFactory, RoleFactory


def _cities(n: int, inhabitants: int = 1000) -> None:
    for _ in range(n):
        membership = MembershipFactory(start=dt.date(2018, 1, 1))
        Population.objects.create(
            municipality=membership.municipality,
            year=2021,
            inhabitants=inhabitants,
            source="test",
        )


def _soup(response: Any) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def test_the_municipalities_come_in_pages_with_the_total_of_all(
    db: None, client: Client, django_assert_max_num_queries: Any
) -> None:
    _cities(3)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("registry:municipalities"))
    _cities(2 * PAGE_SIZE)
    MembershipFactory(start=dt.date(2018, 1, 1))  # no population known

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = _soup(client.get(reverse("registry:municipalities"), {"jaar": "2021"}))
    assert len(page.tbody.find_all("tr")) == PAGE_SIZE
    total = page.tfoot.get_text(" ", strip=True)
    assert "43.000" in total  # every member city, not only those on this page
    assert "1 gemeente onbekend" in total
    assert "44 " in page.h1.find_next("p").get_text()

    following = page.find("nav", class_="pagination").find("a", rel="next")["href"]
    assert "jaar=2021" in following and "pagina=2" in following
    last = _soup(client.get(reverse("registry:municipalities") + "?jaar=2021&pagina=3"))
    assert len(last.tbody.find_all("tr")) == 4
    assert (
        last.find("nav", class_="pagination")
        .find("a", attrs={"aria-current": "page"})
        .get_text(strip=True)
        .endswith("3")
    )
    past_the_end = _soup(client.get(reverse("registry:municipalities") + "?jaar=2021&pagina=9"))
    assert past_the_end.tbody.get_text() == last.tbody.get_text()


def test_the_home_page_shows_the_pillars_with_a_count_of_their_parts(
    db: None, client: Client, django_assert_max_num_queries: Any
) -> None:
    pillar = BodyFactory(kind="pillar", name="Sociaal")
    BodyFactory(parent=pillar, kind="theme_group", name="Armoede")
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("registry:home"))
    for i in range(PAGE_SIZE):
        BodyFactory(parent=pillar, kind="theme_group", name=f"Themagroep {i}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = _soup(client.get(reverse("registry:home")))
    section = page.find("section", attrs={"aria-labelledby": "bodies-heading"})
    assert "Sociaal" in section.get_text()
    assert "21 onderdelen" in section.get_text()
    assert "Armoede" not in section.get_text()  # the groups are one click away
    assert section.find("a", href=reverse("registry:bodies"))


def test_a_body_page_shows_only_the_latest_former_roles(
    db: None, client: Client, django_assert_max_num_queries: Any
) -> None:
    body = BodyFactory(kind="pillar")
    RoleFactory(body=body)
    RoleFactory(body=body, ended=True)
    with django_assert_max_num_queries(40) as few:
        client.get(body.get_absolute_url())
    for _ in range(PAGE_SIZE):
        RoleFactory(body=body, ended=True)

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = _soup(client.get(body.get_absolute_url()))
    former = page.find("section", attrs={"aria-labelledby": "former-heading"})
    assert len(former.tbody.find_all("tr")) == 10
    assert "Alleen de 10 rollen die het laatst eindigden, staan hier." in former.get_text()
