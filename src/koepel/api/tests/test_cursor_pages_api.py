"""Pages by cursor (API 1.1): a client walks a whole list with ``?cursor=`` and the links in
``volgende`` and ``vorige``; rows added between two pages neither repeat nor go missing, a
restricted row never shows, a made-up cursor is a 400, and a page costs the same number of
queries however long the list. Pages by number keep the shape of 1.0."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier, DossierStatus, status_order_of
from koepel.api.tests.conftest import ApiClient
from koepel.registry.tests.factories import BodyFactory

MakeClient = Callable[..., ApiClient]
LIST = "/api/v1/lobbydossiers"


@pytest.fixture
def api_client(api_as: Callable[[User | None], ApiClient]) -> MakeClient:
    """Without a token, or (``"office"``) as the network office, who sees restricted rows."""

    def make(who: str | None = None) -> ApiClient:
        return api_as(UserFactory(office=True) if who == "office" else None)

    return make


def _dossiers(prefix: str, n: int, *, visibility: str = "public", **extra: Any) -> list[Dossier]:
    """``n`` dossiers in one statement: titles ``prefix 000`` … in the order they sort."""
    rows = [
        Dossier(
            title=f"{prefix} {i:03d}",
            slug=f"{prefix.lower().replace(' ', '-')}-{i:03d}",
            goal="Minder regels.",
            visibility=visibility,
            **extra,
        )
        for i in range(n)
    ]
    made = Dossier.objects.bulk_create(rows)
    body = BodyFactory()
    Dossier.bodies.through.objects.bulk_create(
        [Dossier.bodies.through(dossier_id=d.pk, body_id=body.pk) for d in made]
    )
    return made


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def _walk(api: ApiClient, first: str, between: Callable[[int], None] | None = None) -> list[str]:
    """Every title on the pages from ``first`` on, following ``volgende``."""
    titles: list[str] = []
    url: str | None = first
    page = 0
    while url:
        answer = api.get(url)
        assert answer.status_code == 200, answer.content
        body = answer.json()
        titles += [row["titel"] for row in body["resultaten"]]
        url = _path(body["volgende"]) if body["volgende"] else None
        if between:
            between(page)
        page += 1
    return titles


def test_a_cursor_walks_the_whole_list_once_while_rows_are_added(
    db: None, api_client: MakeClient
) -> None:
    _dossiers("Dossier", 45)
    _dossiers("Geheim", 12, visibility="restricted")
    added: list[str] = []

    def add_rows(page: int) -> None:
        # One before the walk's place (it is not shown: the walk has passed it) and one at
        # the end (it is shown, once).
        early = _dossiers(f"Begin {page}", 1)[0]
        late = _dossiers(f"Zuid {page}", 1)[0]
        added.append(late.title)
        assert early.title < "Dossier"

    titles = _walk(api_client(), f"{LIST}?cursor=&paginaGrootte=10", add_rows)

    expected = [f"Dossier {i:03d}" for i in range(45)]
    assert titles[:45] == expected
    # Rows added behind the place the walk reached are shown, each once; nothing repeats.
    assert len(titles) == len(set(titles))
    assert set(titles[45:]) <= set(added) and titles[45:] == sorted(titles[45:])
    assert not [t for t in titles if t.startswith("Geheim") or t.startswith("Begin")]


def test_walking_back_with_vorige_gives_the_same_pages(db: None, api_client: MakeClient) -> None:
    _dossiers("Dossier", 25)
    api = api_client()
    pages = []
    url: str | None = f"{LIST}?cursor=&paginaGrootte=10"
    while url:
        body = api.get(url).json()
        pages.append(body)
        url = _path(body["volgende"]) if body["volgende"] else None
    assert [len(p["resultaten"]) for p in pages] == [10, 10, 5]
    assert pages[0]["vorige"] is None

    back = api.get(_path(pages[2]["vorige"])).json()
    assert back["resultaten"] == pages[1]["resultaten"]
    first = api.get(_path(back["vorige"])).json()
    assert first["resultaten"] == pages[0]["resultaten"]
    assert first["vorige"] is None
    assert first["volgende"] is not None


def test_a_cursor_follows_an_order_with_empty_values_and_ties(
    db: None, api_client: MakeClient
) -> None:
    """Sorted by the day of the status, newest first: many dossiers share a day, many have none;
    every one is shown once, the empty ones last, on SQLite and PostgreSQL alike."""
    days = [dt.date(2024, 1, 1) + dt.timedelta(days=i % 4) for i in range(18)]
    for i, day in enumerate(days):
        _dossiers(
            f"Dag {i:02d}",
            1,
            status=DossierStatus.ACHIEVED,
            status_order=status_order_of(DossierStatus.ACHIEVED),
            status_date=day,
        )
    _dossiers("Zonder dag", 9)
    api = api_client()

    titles = _walk(api, f"{LIST}?cursor=&paginaGrootte=4&sorteer=-status_date")

    assert len(titles) == 27 and len(set(titles)) == 27
    dated = {row["titel"]: row for row in api.get(f"{LIST}?paginaGrootte=100").json()["resultaten"]}
    order = [dated[t]["statusDatum"] for t in titles]
    assert order[:18] == sorted(order[:18], reverse=True)
    assert order[18:] == [None] * 9


def test_a_cursor_shows_no_restricted_row_to_whoever_may_not_see_it(
    db: None, api_client: MakeClient
) -> None:
    """The office walks a list with restricted dossiers and hands its cursor to someone
    without a token: their pages still pass the visibility check."""
    _dossiers("Dossier", 6)
    _dossiers("Geheim", 6, visibility="restricted")
    office = api_client("office")
    first = office.get(f"{LIST}?cursor=&paginaGrootte=5").json()
    assert [r["titel"] for r in first["resultaten"]] == [f"Dossier {i:03d}" for i in range(5)]

    shared = _path(first["volgende"])
    titles = _walk(api_client(), shared)
    assert titles == ["Dossier 005"]
    office_titles = _walk(office, shared)
    assert office_titles == ["Dossier 005"] + [f"Geheim {i:03d}" for i in range(6)]


def test_a_made_up_or_changed_cursor_is_a_400(db: None, api_client: MakeClient) -> None:
    _dossiers("Dossier", 6)
    api = api_client()
    good = parse_qs(urlsplit(api.get(f"{LIST}?cursor=&paginaGrootte=2").json()["volgende"]).query)[
        "cursor"
    ][0]
    changed = good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB")
    for url in (
        f"{LIST}?cursor=bestaat-niet",
        f"{LIST}?cursor={changed}",
        # A cursor of one order used with another, or of one list on another.
        f"{LIST}?cursor={good}&sorteer=-title",
        f"/api/v1/lobbyacties?cursor={good}",
        f"{LIST}?cursor={good}&pagina=2",
        f"{LIST}?cursor=&aantal=misschien",
    ):
        answer = api.get(url)
        assert answer.status_code == 400, url
        assert answer["Content-Type"] == "application/problem+json"
        names = {p["name"] for p in answer.json()["invalidParams"]}
        assert names & {"cursor", "aantal"}, url


def test_a_cursor_page_counts_only_when_asked(db: None, api_client: MakeClient) -> None:
    _dossiers("Dossier", 7)
    api = api_client()
    plain = api.get(f"{LIST}?cursor=&paginaGrootte=5").json()
    assert list(plain) == ["volgende", "vorige", "resultaten"]
    counted = api.get(f"{LIST}?cursor=&paginaGrootte=5&aantal=true").json()
    assert counted["aantal"] == 7
    assert list(counted) == ["aantal", "volgende", "vorige", "resultaten"]


def test_pages_by_number_keep_the_shape_of_1_0(db: None, api_client: MakeClient) -> None:
    _dossiers("Dossier", 25)
    answer = api_client().get(f"{LIST}?pagina=2&paginaGrootte=10")
    body = answer.json()
    assert answer["API-Version"] == "1.1.0"
    assert list(body) == ["aantal", "volgende", "vorige", "resultaten"]
    assert body["aantal"] == 25
    assert _path(body["volgende"]) == f"{LIST}?pagina=3&paginaGrootte=10"
    assert _path(body["vorige"]) == f"{LIST}?paginaGrootte=10"
    assert [r["titel"] for r in body["resultaten"]] == [f"Dossier {i:03d}" for i in range(10, 20)]


def _queries(api: ApiClient, url: str) -> tuple[int, dict[str, Any]]:
    with CaptureQueriesContext(connection) as queries:
        answer = api.get(url)
    assert answer.status_code == 200
    return len(queries), answer.json()


@pytest.mark.parametrize("first", ["cursor=", "pagina=1"])
def test_a_page_takes_as_many_queries_however_long_the_list(
    db: None, api_client: MakeClient, first: str
) -> None:
    api = api_client("office")
    api.get(LIST)  # the token's first use is noted once
    _dossiers("Dossier", 30)
    small, body = _queries(api, f"{LIST}?{first}&paginaGrootte=10")
    small_next, _ = _queries(api, _path(body["volgende"]))
    _dossiers("Later", 300)
    _dossiers("Geheim", 100, visibility="restricted")
    large, body = _queries(api, f"{LIST}?{first}&paginaGrootte=10")
    large_next, _ = _queries(api, _path(body["volgende"]))
    assert small == large
    assert small_next == large_next
