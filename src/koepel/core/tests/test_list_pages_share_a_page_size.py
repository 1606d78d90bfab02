"""Every HTML list page cuts its rows into pages of the same size, with the same links."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.core.pagination import PAGE_SIZE
from koepel.library.models import Document
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Body
from koepel.registry.tests.factories import BodyFactory


def _body() -> Body:
    return Body.objects.filter(slug="wonen").first() or BodyFactory(slug="wonen")


def _meetings(n: int) -> None:
    body = _body()
    for i in range(n):
        MeetingFactory(bodies=[body], date=dt.date(2021, 1, 1) + dt.timedelta(days=i))


def _documents(n: int) -> None:
    body = _body()
    start = Document.objects.count()
    for i in range(start, start + n):
        document = Document.objects.create(
            title=f"Notitie {i}", slug=f"notitie-{i}", kind="position_paper", summary="Kort."
        )
        document.bodies.set([body])


PAGES = {
    "meetings:meetings": _meetings,
    "library:documents": _documents,
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_a_list_page_shows_one_page_and_keeps_its_filters(
    db: None, client: Client, django_assert_max_num_queries: Any, name: str
) -> None:
    client.force_login(UserFactory(office=True))
    PAGES[name](3)
    with django_assert_max_num_queries(30) as few:
        client.get(reverse(name), {"gremium": "wonen"})
    PAGES[name](PAGE_SIZE * 2)

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(name), {"gremium": "wonen"})
    page = BeautifulSoup(response.content, "html.parser")
    assert len(page.tbody.find_all("tr")) == PAGE_SIZE
    nav = page.find("nav", class_="pagination")
    assert nav["aria-label"] == "Pagina’s"
    assert nav.find("a", attrs={"aria-current": "page"}).get_text(strip=True).endswith("1")
    following = nav.find("a", rel="next")["href"]
    assert following == "?gremium=wonen&pagina=2"

    second = BeautifulSoup(client.get(reverse(name) + following).content, "html.parser")
    assert len(second.tbody.find_all("tr")) == PAGE_SIZE
    assert second.find("a", rel="prev")["href"] == "?gremium=wonen&pagina=1"


@pytest.mark.parametrize(("asked", "shown"), [("0", 1), ("-3", 1), ("tien", 1), ("99", 3)])
def test_a_page_number_out_of_range_shows_the_nearest_page(
    db: None, client: Client, asked: str, shown: int
) -> None:
    client.force_login(UserFactory(office=True))
    _documents(PAGE_SIZE * 2 + 1)  # three pages
    page = BeautifulSoup(
        client.get(reverse("library:documents"), {"pagina": asked}).content, "html.parser"
    )
    current = page.find("nav", class_="pagination").find("a", attrs={"aria-current": "page"})
    assert current.get_text(strip=True).endswith(str(shown))
