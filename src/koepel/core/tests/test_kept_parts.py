"""Rendered parts of pages and pages of API lists are kept for everyone with the same access
(koepel.core.caching): a write shows on the next request to every reader, people with the same
access share a part but never each other's personal parts, and no one is handed a part kept
for someone who may see more. Each test runs on the cache in this process's memory and on a
real Redis server that the tests start themselves (``CACHE_URL=redis://…``)."""

from __future__ import annotations

import datetime as dt
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koepel.accounts.tests.factories import UserFactory
from koepel.api.services import token_create
from koepel.core import caching
from koepel.core.tests.test_serve import _free_port
from koepel.meetings.models import Invitation
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry import services
from koepel.registry.models import Body, Person
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


def _member(name: str, *bodies: Body, ended: bool = False) -> Client:
    """A signed-in client for a new person with a seat in each body."""
    person = services.person_save(person=PersonFactory.build(name=name))
    for body in bodies:
        services.role_save(role=RoleFactory.build(body=body, person=person))
    return _signed_in(person)


def _signed_in(person: Person | None, **extra: Any) -> Client:
    """A client signed in to the pages, and carrying an API token of the same account."""
    user = UserFactory(person=person, **extra)
    _, secret = token_create(user=user, name="test")
    client = Client(headers={"authorization": f"Token {secret}"})
    client.force_login(user)
    client.account = user  # type: ignore[attr-defined]
    return client


def _header_name(page: str) -> str:
    found = re.search(r'class="site-header__user"[^>]*>([^<]+)<', page)
    assert found, "no one is named in the header"
    return found.group(1).strip()


def _reads_the_body(client: Client, path: str) -> tuple[str, bool]:
    """The page, and whether rendering it read the body's participations (a part built
    afresh rather than taken from the cache)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, response.status_code
    built = any("registry_participation" in query["sql"] for query in queries)
    return response.content.decode(), built


def test_a_write_shows_on_the_next_request_to_every_reader(db: None, kept_in: str) -> None:
    body = services.body_save(body=BodyFactory.build(name="Werkgroep Wonen", slug="wonen"))
    readers = {
        "anonymous": Client(),
        "member": _member("Els Lid", body),
        "office": _signed_in(None, is_office=True),
    }
    for client in readers.values():
        assert "Werkgroep Wonen" in client.get("/gremia/wonen/").content.decode()
        assert "Werkgroep Wonen" in client.get("/gremia/").content.decode()
        assert "Werkgroep Wonen" in client.get("/api/v1/gremia").content.decode()

    body.name = "Werkgroep Bouwen"
    services.body_save(body=body, expected_version=body.version)

    for who, client in readers.items():
        for path in ("/gremia/wonen/", "/gremia/", "/api/v1/gremia"):
            page = client.get(path).content.decode()
            assert "Werkgroep Bouwen" in page, (who, path)
            assert "Werkgroep Wonen" not in page, (who, path)

    # A write from the back office or an import passes by the services: the model's own save
    # gives the data a new version all the same.
    stored = Body.objects.get(pk=body.pk)
    stored.name = "Werkgroep Wijken"
    stored.save()
    for who, client in readers.items():
        assert "Werkgroep Wijken" in client.get("/gremia/wonen/").content.decode(), who


def test_a_new_seat_opens_a_restricted_body_on_the_next_request(db: None, kept_in: str) -> None:
    closed = BodyFactory(name="Stuurgroep Geheim", slug="geheim", visibility="restricted")
    MeetingFactory(title="Besloten overleg", bodies=[closed], visibility="restricted")
    person = services.person_save(person=PersonFactory.build(name="Nieuw Lid"))
    newcomer = _signed_in(person)
    assert newcomer.get("/gremia/geheim/").status_code == 404
    assert "Besloten overleg" not in newcomer.get("/api/v1/bijeenkomsten").content.decode()

    services.role_save(role=RoleFactory.build(body=closed, person=person))

    page = newcomer.get("/gremia/geheim/")
    assert page.status_code == 200
    assert "Stuurgroep Geheim" in page.content.decode()
    # The body's restricted meeting is for the people named on it, not for its members.
    assert "Stuurgroep Geheim" in newcomer.get("/gremia/").content.decode()


def test_a_seat_that_ends_closes_the_body_on_the_next_request(db: None, kept_in: str) -> None:
    group = BodyFactory(name="Themagroep Intern", slug="intern", visibility="body")
    MeetingFactory(title="Interne sessie", bodies=[group], visibility="body")
    person = services.person_save(person=PersonFactory.build(name="Vertrekkend Lid"))
    role = services.role_save(role=RoleFactory.build(body=group, person=person))
    leaving = _signed_in(person)
    stays = _member("Blijvend Lid", group)
    for client in (leaving, stays):
        assert "Interne sessie" in client.get("/gremia/intern/").content.decode()
        assert "Interne sessie" in client.get("/api/v1/bijeenkomsten").content.decode()
        assert "Themagroep Intern" in client.get("/gremia/").content.decode()

    services.role_end(role=role, last_day=dt.date(2021, 1, 1), expected_version=role.version)

    assert leaving.get("/gremia/intern/").status_code == 404
    assert "Interne sessie" not in leaving.get("/api/v1/bijeenkomsten").content.decode()
    assert "Themagroep Intern" not in leaving.get("/gremia/").content.decode()
    assert "Interne sessie" in stays.get("/gremia/intern/").content.decode()


def test_the_same_access_shares_a_part_but_not_the_personal_parts(db: None, kept_in: str) -> None:
    group = BodyFactory(name="Themagroep Zorg", slug="zorg", visibility="body")
    anna = _member("Anna Appelboom", group)
    bert = _member("Bert Bessemer", group)

    first, built = _reads_the_body(anna, "/gremia/zorg/")
    assert built
    second, built = _reads_the_body(bert, "/gremia/zorg/")
    assert not built, "the part Anna's request kept serves Bert, who may see the same"

    # The header is each person's own: their name, and their own form token.
    assert _header_name(first) == str(anna.account)  # type: ignore[attr-defined]
    assert _header_name(second) == str(bert.account)  # type: ignore[attr-defined]
    tokens = [
        set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', p)) for p in (first, second)
    ]
    assert tokens[0] and tokens[1] and not tokens[0] & tokens[1]
    # "Mijn werk" is never shared.
    assert str(anna.account) not in bert.get("/mijn-werk/").content.decode()  # type: ignore[attr-defined]


def test_an_outsider_never_gets_a_part_kept_for_a_member(db: None, kept_in: str) -> None:
    body = BodyFactory(name="Platform Energie", slug="energie", visibility="public")
    MeetingFactory(title="Openbare sessie", bodies=[body], visibility="public")
    MeetingFactory(title="Sessie voor leden", bodies=[body], visibility="body")
    member = _member("Carla Lid", body)

    for path in ("/gremia/energie/", "/api/v1/bijeenkomsten"):
        page = member.get(path).content.decode()
        assert "Sessie voor leden" in page and "Openbare sessie" in page

        for outsider in (Client(), _signed_in(None), _member("Dirk Buiten", BodyFactory())):
            page = outsider.get(path).content.decode()
            assert "Openbare sessie" in page, path
            assert "Sessie voor leden" not in page, path


def test_a_person_invited_to_a_restricted_meeting_sees_it_and_their_peer_does_not(
    db: None, kept_in: str
) -> None:
    """The one rule that names a person: a restricted meeting is seen by the people invited.
    Two people with the same seats then have different access."""
    body = BodyFactory(name="Overleg Mobiliteit", slug="mobiliteit")
    meeting = MeetingFactory(title="Gesprek onder vier ogen", bodies=[body], restricted=True)
    guest = services.person_save(person=PersonFactory.build(name="Eva Gast"))
    services.role_save(role=RoleFactory.build(body=body, person=guest))
    peer = _member("Frank Collega", body)
    invited = _signed_in(guest)

    assert "Gesprek onder vier ogen" not in peer.get("/gremia/mobiliteit/").content.decode()
    assert "Gesprek onder vier ogen" not in invited.get("/gremia/mobiliteit/").content.decode()

    Invitation.objects.create(meeting=meeting, person=guest)

    for path in ("/gremia/mobiliteit/", "/api/v1/bijeenkomsten"):
        assert "Gesprek onder vier ogen" in invited.get(path).content.decode(), path
        assert "Gesprek onder vier ogen" not in peer.get(path).content.decode(), path


def test_an_outsider_invited_to_a_members_meeting_sees_it_and_another_outsider_does_not(
    db: None, kept_in: str
) -> None:
    """Whoever is invited sees the meeting at any level: a guest from outside the network
    invited to a meeting of a body's members, beside an outsider with the same (no) seats."""
    body = BodyFactory(name="Overleg Wonen", slug="wonen")
    meeting = MeetingFactory(title="Werksessie woningbouw", bodies=[body], visibility="body")
    guest = services.person_save(person=PersonFactory.build(name="Gijs Ministerie"))
    invited = _signed_in(guest)
    other = _signed_in(services.person_save(person=PersonFactory.build(name="Hanna Buiten")))

    for client in (invited, other):
        assert "Werksessie woningbouw" not in client.get("/api/v1/bijeenkomsten").content.decode()

    Invitation.objects.create(meeting=meeting, person=guest)

    assert "Werksessie woningbouw" in invited.get("/api/v1/bijeenkomsten").content.decode()
    assert "Werksessie woningbouw" not in other.get("/api/v1/bijeenkomsten").content.decode()


def test_with_the_cache_off_every_request_builds_its_page(db: None, settings: Any) -> None:
    settings.KOEPEL_CACHE = False
    body = BodyFactory(name="Werkgroep Data", slug="data")
    member = _member("Gert Lid", body)
    assert _reads_the_body(member, "/gremia/data/")[1]
    assert _reads_the_body(member, "/gremia/data/")[1]


def test_the_cache_is_on_in_the_tests(db: None) -> None:
    """The whole suite renders through the cache, as production does."""
    body = BodyFactory(name="Werkgroep Cultuur", slug="cultuur")
    member = _member("Hanna Lid", body)
    assert _reads_the_body(member, "/gremia/cultuur/")[1]
    assert not _reads_the_body(member, "/gremia/cultuur/")[1]


def test_a_cache_server_that_is_away_costs_speed_not_the_page(db: None, settings: Any) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_free_port()}/0",  # nothing listens there
        }
    }
    BodyFactory(name="Werkgroep Zonder Cache", slug="zonder")
    for client in (Client(), _member("Ina Lid")):
        page = client.get("/gremia/zonder/")
        assert page.status_code == 200
        assert "Werkgroep Zonder Cache" in page.content.decode()
        assert client.get("/api/v1/gremia").status_code == 200


def test_a_part_made_of_pieces_is_not_kept_when_one_piece_holds_a_form_token(db: None) -> None:
    built: list[int] = []

    def build() -> dict[str, str]:
        built.append(1)
        return {"head": "<h1>Kop</h1>", "form": '<input name="csrfmiddlewaretoken" value="x">'}

    for _ in range(2):
        caching.kept("pieces-with-a-form", build, access="proef", kinds=["registry"])

    assert len(built) == 2  # made anew for each reader: a token is one person's


def test_a_part_kept_by_another_release_is_not_served(
    db: None, kept_in: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    built: list[str] = []

    def build() -> str:
        built.append(caching.release())
        return f"<p>{caching.release()}</p>"

    first = caching.kept("release", build, access="proef", kinds=["registry"])
    monkeypatch.setattr(caching, "release", lambda: "a-newer-release")
    second = caching.kept("release", build, access="proef", kinds=["registry"])
    again = caching.kept("release", build, access="proef", kinds=["registry"])
    assert first != second == again == "<p>a-newer-release</p>"
    assert len(built) == 2


def test_a_part_with_the_form_token_stand_in_is_kept_unless_it_stands_outside_its_tag(
    db: None, kept_in: str
) -> None:
    built: list[str] = []
    tag = caching._STAND_IN_TAG

    def build(markup: str) -> Any:
        def make() -> str:
            built.append(markup)
            return markup

        return make

    for markup in (f"<form>{tag}</form>", f'<meta content="{caching.FORM_TOKEN_STAND_IN}">'):
        for _ in range(2):
            caching.kept(
                f"stand-in-{len(markup)}", build(markup), access="proef", kinds=["meetings"]
            )
    # The tag is replaced on the way out, so the first part is kept; a bare stand-in would
    # reach the browser as it is, so the second is made for each request.
    assert (
        built == [f"<form>{tag}</form>"] + [f'<meta content="{caching.FORM_TOKEN_STAND_IN}">'] * 2
    )


def test_readers_who_miss_a_part_together_wait_for_one_build(
    transactional_db: None, kept_in: str
) -> None:
    # Six requests at once find the same part missing (a start, a write): one builds it, the
    # others wait for it and read it kept, instead of each building it again.
    builds = []
    started = threading.Barrier(6)

    def build() -> str:
        builds.append(threading.get_ident())
        time.sleep(0.3)
        return "het deel"

    def read() -> str:
        try:
            started.wait()
            return caching.kept("proef", build, access="iedereen", kinds=("registry",))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(lambda _: read(), range(6)))

    assert answers == ["het deel"] * 6
    assert len(builds) == 1
