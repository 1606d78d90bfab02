"""The meetings list, a meeting's page, a person's page and the search results are kept for
everyone with the same access (koepel.core.caching), as a body's page is: a second request is
served from the kept part, a write of every kind of data a page shows is on the next request,
people with the same access share the part but never each other's own answer, form token or
name, and no one is handed a part kept for someone who may see more. Each test runs on the
cache in this process's memory and on a real Redis server (``kept_in``, conftest.py)."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

from bs4 import BeautifulSoup
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from koepel.core import caching
from koepel.core.tests.test_kept_parts import _header_name, _member, _signed_in
from koepel.meetings.models import ActionItem, AgendaItem, Decision, Guest, Invitation, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry import services
from koepel.registry.models import Body, Person
from koepel.registry.tests.factories import (
    BodyFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)

# What building each part reads, and the rest of a request does not (the access rules read the
# reader's seats, and the meetings they are invited to, but no titles or functions).
LIST_READ = '"meetings_meeting"."title"'
ROLES_READ = '"registry_role"."function_detail"'
SEARCH_READ = ("search_fts MATCH", "ts_rank(")  # SQLite, PostgreSQL
DECISION_READ = '"meetings_decision"."text"'


def _get(client: Client, path: str, read: str | tuple[str, ...]) -> tuple[str, bool, int]:
    """The page; whether rendering it ran a query holding ``read`` (a part built afresh, not
    taken from the cache); and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    marks = (read,) if isinstance(read, str) else read
    built = any(mark in query["sql"] for query in queries for mark in marks)
    return response.content.decode(), built, len(queries)


def _tokens(page: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', page))


# -- The meetings list ------------------------------------------------------------------------


def test_the_meetings_list_is_kept_and_a_write_shows_on_the_next_request(
    db: None, kept_in: str
) -> None:
    body = BodyFactory(name="Werkgroep Water", slug="water")
    MeetingFactory(title="Sessie over dijken", bodies=[body], date=dt.date(2021, 3, 1))
    anna = _member("Anna Appelboom", body)
    bert = _member("Bert Bessemer", body)
    path = "/bijeenkomsten/?wanneer=past"

    first, built, cold = _get(anna, path, LIST_READ)
    assert built and "Sessie over dijken" in first
    second, built, warm = _get(bert, path, LIST_READ)
    assert not built, "the list Anna's request kept serves Bert, who may see the same"
    assert warm < cold
    assert _header_name(first) == str(anna.account)  # type: ignore[attr-defined]
    assert _header_name(second) == str(bert.account)  # type: ignore[attr-defined]

    # A new meeting (the meetings' data) and a body's new name (the register's).
    MeetingFactory(title="Sessie over sluizen", bodies=[body], date=dt.date(2021, 4, 1))
    assert "Sessie over sluizen" in anna.get(path).content.decode()
    renamed = Body.objects.get(pk=body.pk)
    renamed.name = "Werkgroep Waterbeheer"
    renamed.save()
    for client in (anna, bert, Client()):
        assert "Werkgroep Waterbeheer" in client.get(path).content.decode()


def test_the_meetings_list_keeps_each_filter_and_page_apart(db: None, kept_in: str) -> None:
    water = BodyFactory(name="Werkgroep Water", slug="water")
    lucht = BodyFactory(name="Werkgroep Lucht", slug="lucht")
    for day in range(1, 31):
        MeetingFactory(title=f"Watersessie {day:02}", bodies=[water], date=dt.date(2021, 5, day))
    MeetingFactory(title="Luchtsessie", bodies=[lucht], date=dt.date(2021, 6, 1))
    client = Client()

    everything = client.get("/bijeenkomsten/?wanneer=past").content.decode()
    assert "Luchtsessie" in everything
    only_water = client.get("/bijeenkomsten/?wanneer=past&gremium=water").content.decode()
    assert "Luchtsessie" not in only_water and "Watersessie 30" in only_water
    later = client.get("/bijeenkomsten/?wanneer=past&gremium=water&pagina=2").content.decode()
    assert "Watersessie 01" in later and "Watersessie 30" not in later
    assert "Luchtsessie" in client.get("/bijeenkomsten/?wanneer=past").content.decode()


def test_an_outsider_never_gets_the_meetings_list_kept_for_a_member(db: None, kept_in: str) -> None:
    body = BodyFactory(name="Platform Energie", slug="energie")
    MeetingFactory(title="Openbare sessie", bodies=[body], visibility="public")
    MeetingFactory(title="Sessie voor leden", bodies=[body], visibility="body")
    sas = services.person_save(person=PersonFactory.build(name="Sas Secretaris"))
    services.role_save(role=RoleFactory.build(body=body, person=sas, secretary=True))
    secretary = _signed_in(sas)
    member = _member("Carla Lid", body)
    path = "/bijeenkomsten/?wanneer=past"

    page = secretary.get(path).content.decode()
    assert "Sessie voor leden" in page and "Bijeenkomst plannen" in page
    page = member.get(path).content.decode()
    assert "Sessie voor leden" in page and "Bijeenkomst plannen" not in page
    for outsider in (Client(), _signed_in(None), _member("Dirk Buiten", BodyFactory())):
        page = outsider.get(path).content.decode()
        assert "Openbare sessie" in page
        assert "Sessie voor leden" not in page


def test_a_new_seat_shows_on_the_meetings_list_at_the_next_request(db: None, kept_in: str) -> None:
    group = BodyFactory(name="Themagroep Intern", slug="intern", visibility="body")
    MeetingFactory(title="Interne sessie", bodies=[group], visibility="body")
    person = services.person_save(person=PersonFactory.build(name="Nieuw Lid"))
    newcomer = _signed_in(person)
    assert "Interne sessie" not in newcomer.get("/bijeenkomsten/?wanneer=past").content.decode()

    role = services.role_save(role=RoleFactory.build(body=group, person=person))
    assert "Interne sessie" in newcomer.get("/bijeenkomsten/?wanneer=past").content.decode()

    services.role_end(role=role, last_day=dt.date(2021, 1, 1), expected_version=role.version)
    assert "Interne sessie" not in newcomer.get("/bijeenkomsten/?wanneer=past").content.decode()


# -- A meeting's page -------------------------------------------------------------------------


def _meeting_with_two_invited(body: Body) -> tuple[Meeting, Client, Client]:
    meeting = MeetingFactory(title="Overleg Zorg", bodies=[body], visibility="body")
    clients = []
    for name in ("Anna Appelboom", "Bert Bessemer"):
        person = services.person_save(person=PersonFactory.build(name=name))
        services.role_save(role=RoleFactory.build(body=body, person=person))
        Invitation.objects.create(meeting=meeting, person=person)
        clients.append(_signed_in(person))
    return meeting, clients[0], clients[1]


def test_a_meeting_page_is_shared_but_not_the_readers_own_answer(db: None, kept_in: str) -> None:
    body = BodyFactory(name="Themagroep Zorg", slug="zorg", visibility="body")
    meeting, anna, bert = _meeting_with_two_invited(body)
    AgendaItem.objects.create(meeting=meeting, title="Opening")
    path = f"/bijeenkomsten/{meeting.pk}/"

    answered = anna.post(
        f"/bijeenkomsten/{meeting.pk}/antwoord/", {"answer": "komt", "note": "Ik kom graag"}
    )
    assert answered.status_code == 302

    first, built, cold = _get(anna, path, "meetings_agendaitem")
    assert built
    second, built, warm = _get(bert, path, "meetings_agendaitem")
    assert not built, "the page Anna's request kept serves Bert, who may see the same"
    assert warm < cold

    # Each reads their own answer, with their own form token and their own name above it.
    mine = re.search(r'id="answer-heading".*?</section>', first, re.S)
    assert mine is not None and "Uw antwoord:" in mine.group(0) and "Ik kom graag" in mine.group(0)
    own = re.search(r'id="answer-heading".*?</section>', second, re.S)
    assert own is not None
    assert "Uw antwoord:" not in own.group(0) and "Ik kom graag" not in own.group(0)
    assert _header_name(first) == str(anna.account)  # type: ignore[attr-defined]
    assert _header_name(second) == str(bert.account)  # type: ignore[attr-defined]
    assert _tokens(first) and _tokens(second) and not _tokens(first) & _tokens(second)


def test_a_write_of_every_kind_a_meeting_page_shows_is_on_the_next_request(
    db: None, kept_in: str
) -> None:
    body = BodyFactory(name="Themagroep Zorg", slug="zorg", visibility="body")
    meeting, anna, bert = _meeting_with_two_invited(body)
    path = f"/bijeenkomsten/{meeting.pk}/"
    readers = (anna, bert)
    for client in readers:
        client.get(path)

    def shows(text: str) -> None:
        for client in readers:
            assert text in client.get(path).content.decode(), text

    presenter = services.person_save(person=PersonFactory.build(name="Piet Spreker"))
    item = AgendaItem.objects.create(meeting=meeting, title="Jaarplan", presenter=presenter)
    shows("Jaarplan")
    Decision.objects.create(meeting=meeting, text="Het jaarplan is vastgesteld.")
    shows("Het jaarplan is vastgesteld.")
    ActionItem.objects.create(meeting=meeting, body=body, description="Begroting uitwerken")
    shows("Begroting uitwerken")
    organisation = OrganisationFactory(name="Stichting Gast")
    Guest.objects.create(meeting=meeting, organisation=organisation, topic="Ervaringen")
    shows("Ervaringen")
    invited = services.person_save(person=PersonFactory.build(name="Carla Genodigd"))
    Invitation.objects.create(meeting=meeting, person=invited, present=True)
    shows("Carla Genodigd")
    stored = Meeting.objects.get(pk=meeting.pk)
    stored.minutes = "Het verslag van de zorgsessie."
    stored.title = "Overleg Zorg en Welzijn"
    stored.save()
    shows("Het verslag van de zorgsessie.")
    shows("Overleg Zorg en Welzijn")
    # The register's names on the page: the organising body, a presenter, a guest's organisation.
    renamed = Body.objects.get(pk=body.pk)
    renamed.name = "Themagroep Zorg en Welzijn"
    renamed.save()
    shows("Themagroep Zorg en Welzijn")
    speaker = Person.objects.get(pk=presenter.pk)
    speaker.name = "Piet de Spreker"
    speaker.save()
    shows("Piet de Spreker")
    organisation.name = "Stichting Gastvrij"
    organisation.save()
    shows("Stichting Gastvrij")
    item.delete()
    for client in readers:
        assert "Jaarplan" not in client.get(path).content.decode()


def test_an_outsider_never_gets_a_meeting_page_kept_for_a_member(db: None, kept_in: str) -> None:
    body = BodyFactory(name="Platform Energie", slug="energie")
    closed = MeetingFactory(title="Sessie voor leden", bodies=[body], visibility="body")
    open_ = MeetingFactory(title="Openbare sessie", bodies=[body], visibility="public")
    member = _member("Carla Lid", body)
    Invitation.objects.create(meeting=open_, person=member.account.person)  # type: ignore[attr-defined]

    assert member.get(f"/bijeenkomsten/{closed.pk}/").status_code == 200
    page = member.get(f"/bijeenkomsten/{open_.pk}/").content.decode()
    assert "Carla Lid" in page  # the attendance, for members of the network

    for outsider in (Client(), _signed_in(None)):
        assert outsider.get(f"/bijeenkomsten/{closed.pk}/").status_code == 404
        page = outsider.get(f"/bijeenkomsten/{open_.pk}/").content.decode()
        assert "Openbare sessie" in page and "Carla Lid" not in page


def test_a_role_that_may_edit_shows_its_links_at_the_next_request_and_keeps_its_forms_own(
    db: None, kept_in: str
) -> None:
    body = BodyFactory(name="Themagroep Zorg", slug="zorg", visibility="body")
    meeting = MeetingFactory(title="Overleg Zorg", bodies=[body], visibility="body")
    path = f"/bijeenkomsten/{meeting.pk}/"
    change = f"/bijeenkomsten/{meeting.pk}/wijzigen/"
    person = services.person_save(person=PersonFactory.build(name="Sas Secretaris"))
    role = services.role_save(role=RoleFactory.build(body=body, person=person, secretary=True))
    sas = _signed_in(person)
    other = services.person_save(person=PersonFactory.build(name="Tess Secretaris"))
    services.role_save(role=RoleFactory.build(body=body, person=other, secretary=True))
    tess = _signed_in(other)
    peer = _member("Bert Lid", body)

    first = sas.get(path).content.decode()
    second = tess.get(path).content.decode()
    assert change in first and change in second
    assert change not in peer.get(path).content.decode()
    # The forms to record a decision are made for each request: each secretary's own token.
    assert _decision_token(first) and _decision_token(second)
    assert _decision_token(first) != _decision_token(second)

    # Sas is a member and no longer the secretary: the links and forms are gone at her next
    # request; and back when she is the secretary again (and has signed in with two steps).
    role.function = "lid"
    role = services.role_save(role=role, expected_version=role.version)
    page = sas.get(path).content.decode()
    assert change not in page and f"/bijeenkomsten/{meeting.pk}/besluiten/" not in page
    role.function = "ambtelijk_secretaris"
    services.role_save(role=role, expected_version=role.version)
    sas.force_login(sas.account)  # type: ignore[attr-defined]
    assert change in sas.get(path).content.decode()


def test_the_secretaries_of_a_body_share_the_record_and_each_posts_with_their_own_token(
    db: None, kept_in: str
) -> None:
    body = BodyFactory(name="Themagroep Zorg", slug="zorg", visibility="body")
    meeting = MeetingFactory(title="Overleg Zorg", bodies=[body], visibility="body")
    Decision.objects.create(meeting=meeting, text="Eerder besluit over wijkteams")
    path = f"/bijeenkomsten/{meeting.pk}/"
    secretaries = []
    for name in ("Sas Secretaris", "Tess Secretaris"):
        person = services.person_save(person=PersonFactory.build(name=name))
        services.role_save(role=RoleFactory.build(body=body, person=person, secretary=True))
        client = _signed_in(person)
        client.handler.enforce_csrf_checks = True  # as a browser is held to them
        secretaries.append(client)
    sas, tess = secretaries

    first, built, _ = _get(sas, path, DECISION_READ)
    assert built
    second, built, _ = _get(tess, path, DECISION_READ)
    assert not built, "the record Sas's request kept, forms and all, serves Tess"
    for page in (first, second):
        assert caching.FORM_TOKEN_STAND_IN not in page
    assert _decision_token(first) != _decision_token(second)
    # The forms of the record carry the reader's token, masked for this answer, as Django's
    # own tag writes it for all the forms of a page.
    record = second[second.index('id="decisions-heading"') :]
    assert record.count('name="csrfmiddlewaretoken"') == 2 and len(_tokens(record)) == 1
    assert all(len(token) == 64 for token in _tokens(second))

    # Each secretary's form posts with the token their own page gave them; no other will do.
    for client, page, text in ((sas, first, "Besluit van Sas"), (tess, second, "Besluit van Tess")):
        answer = client.post(
            f"/bijeenkomsten/{meeting.pk}/besluiten/",
            {"csrfmiddlewaretoken": _decision_token(page), "text": text},
        )
        assert answer.status_code == 302, answer.status_code
    refused = sas.post(
        f"/bijeenkomsten/{meeting.pk}/besluiten/",
        {"csrfmiddlewaretoken": caching.FORM_TOKEN_STAND_IN, "text": "Besluit zonder token"},
    )
    assert refused.status_code == 403
    assert list(meeting.decisions.values_list("text", flat=True).order_by("pk")) == [
        "Eerder besluit over wijkteams",
        "Besluit van Sas",
        "Besluit van Tess",
    ]
    # The new decisions are on the next request of each, with the forms still their own.
    page = tess.get(path).content.decode()
    assert "Besluit van Sas" in page and caching.FORM_TOKEN_STAND_IN not in page


def _decision_token(page: str) -> str:
    found = re.search(
        r'action="/bijeenkomsten/\d+/besluiten/"[^>]*>\s*<input type="hidden" '
        r'name="csrfmiddlewaretoken" value="([^"]+)"',
        page,
    )
    assert found, "no form to record a decision"
    return found.group(1)


# -- A person's page ------------------------------------------------------------------------


def test_a_person_page_is_kept_and_a_write_shows_on_the_next_request(
    db: None, kept_in: str
) -> None:
    body = BodyFactory(name="Werkgroep Wonen", slug="wonen")
    subject = services.person_save(
        person=PersonFactory.build(name="Eva Wethouder", slug="eva", email="eva@example.nl")
    )
    services.role_save(role=RoleFactory.build(body=body, person=subject))
    anna = _member("Anna Appelboom", body)
    bert = _member("Bert Bessemer", body)

    first, built, cold = _get(anna, "/personen/eva/", ROLES_READ)
    assert built and "eva@example.nl" in first
    second, built, warm = _get(bert, "/personen/eva/", ROLES_READ)
    assert not built and warm < cold
    assert _header_name(second) == str(bert.account)  # type: ignore[attr-defined]
    assert "eva@example.nl" not in Client().get("/personen/eva/").content.decode()

    other = BodyFactory(name="Werkgroep Bouwen", slug="bouwen")
    services.role_save(role=RoleFactory.build(body=other, person=subject))
    stored = Person.objects.get(pk=subject.pk)
    stored.email = "eva@gemeente.example"
    stored.save()
    for client in (anna, bert):
        page = client.get("/personen/eva/").content.decode()
        assert "Werkgroep Bouwen" in page and "eva@gemeente.example" in page


def test_a_person_page_shows_a_restricted_seat_only_to_those_who_may_see_it(
    db: None, kept_in: str
) -> None:
    closed = BodyFactory(name="Stuurgroep Geheim", slug="geheim", visibility="restricted")
    subject = services.person_save(person=PersonFactory.build(name="Eva Lid", slug="eva"))
    services.role_save(role=RoleFactory.build(body=closed, person=subject))
    assert "Stuurgroep Geheim" in _signed_in(subject).get("/personen/eva/").content.decode()

    person = services.person_save(person=PersonFactory.build(name="Nieuw Lid"))
    newcomer = _signed_in(person)
    for outsider in (Client(), newcomer):
        assert "Stuurgroep Geheim" not in outsider.get("/personen/eva/").content.decode()

    services.role_save(role=RoleFactory.build(body=closed, person=person))
    assert "Stuurgroep Geheim" in newcomer.get("/personen/eva/").content.decode()


def test_an_import_of_new_records_shows_on_the_next_request(
    db: None, kept_in: str, tmp_path: Path
) -> None:
    """An import writes its new records in bulk, past the model signals."""
    body = BodyFactory(name="Themagroep Wonen", slug="wonen")
    services.person_save(person=PersonFactory.build(name="An Jansen", slug="an-jansen"))
    member = _member("Anna Appelboom", body)
    assert "Themagroep Wonen" not in member.get("/personen/an-jansen/").content.decode()

    roles = tmp_path / "rollen.csv"
    roles.write_text(
        "persoon;gremium;functie;functiedetail;niveau;namens gemeente;namens organisatie;"
        "begin;einde;notitie\nan-jansen;wonen;voorzitter;;bestuurlijk;;;2021-09;;\n",
        encoding="utf-8",
    )
    call_command("import", "rollen", str(roles), stdout=io.StringIO())

    assert "Themagroep Wonen" in member.get("/personen/an-jansen/").content.decode()


# -- Search -----------------------------------------------------------------------------------


def test_search_results_are_kept_and_a_write_shows_on_the_next_request(
    db: None, kept_in: str
) -> None:
    body = BodyFactory(name="Werkgroep Wonen", slug="wonen")
    services.body_save(body=body, expected_version=body.version)  # into the index
    anna = _member("Anna Appelboom", body)
    bert = _member("Bert Bessemer", body)
    path = "/zoeken/?q=wonen"

    first, built, cold = _get(anna, path, SEARCH_READ)
    assert built and "Werkgroep Wonen" in first
    second, built, warm = _get(bert, "/zoeken/?q=++wonen+", SEARCH_READ)
    assert not built, "the same words, with other spaces, are the same search"
    assert warm < cold
    assert 'value="  wonen "' in second, "the form says what this reader typed"
    assert _header_name(second) == str(bert.account)  # type: ignore[attr-defined]

    services.body_save(body=BodyFactory.build(name="Themagroep Wonen", slug="themawonen"))
    for client in (anna, bert, Client()):
        assert "Themagroep Wonen" in client.get(path).content.decode()


def test_an_outsider_never_gets_search_results_kept_for_a_member(db: None, kept_in: str) -> None:
    body = services.body_save(body=BodyFactory.build(name="Platform Energie", slug="energie"))
    services.body_save(
        body=BodyFactory.build(
            name="Energie Binnenkring", slug="binnen", parent=body, visibility="body"
        )
    )
    member = _member("Carla Lid", Body.objects.get(slug="binnen"))
    path = "/zoeken/?q=energie"
    assert "Energie Binnenkring" in member.get(path).content.decode()
    for outsider in (Client(), _signed_in(None), _member("Dirk Buiten", BodyFactory())):
        page = outsider.get(path).content.decode()
        assert "Platform Energie" in page and "Energie Binnenkring" not in page

    # A seat in the closed body opens it in the results at the next request.
    person = services.person_save(person=PersonFactory.build(name="Nieuw Lid"))
    newcomer = _signed_in(person)
    assert "Energie Binnenkring" not in newcomer.get(path).content.decode()
    services.role_save(role=RoleFactory.build(body=Body.objects.get(slug="binnen"), person=person))
    assert "Energie Binnenkring" in newcomer.get(path).content.decode()


def test_search_keeps_each_filter_and_page_apart(db: None, kept_in: str) -> None:
    for number in range(25):
        services.body_save(body=BodyFactory.build(name=f"Wijkteam {number:02}", slug=f"w{number}"))
    client = Client()
    first = client.get("/zoeken/?q=wijkteam").content.decode()
    later = client.get("/zoeken/?q=wijkteam&pagina=2").content.decode()
    assert first != later
    assert len(re.findall(r'class="search-hit"', first)) == 20
    assert len(re.findall(r'class="search-hit"', later)) == 5
    none = client.get("/zoeken/?q=wijkteam&soort=bijeenkomst").content.decode()
    assert "search-hit" not in none


def test_the_body_filter_is_kept_and_marks_each_readers_own_choice(db: None, kept_in: str) -> None:
    wonen = services.body_save(body=BodyFactory.build(name="Werkgroep Wonen", slug="wonen"))
    zorg = services.body_save(body=BodyFactory.build(name="Werkgroep Zorg", slug="zorg"))
    anna = _member("Anna Appelboom", wonen, zorg)
    bert = _member("Bert Bessemer", wonen, zorg)

    def chosen(page: str) -> list[str]:
        select = BeautifulSoup(page, "html.parser").find("select", attrs={"name": "gremium"})
        assert select is not None
        return [option["value"] for option in select.find_all("option", selected=True)]

    _, _, cold = _get(anna, "/zoeken/?q=werkgroep&gremium=wonen", SEARCH_READ)
    page, _, warm = _get(bert, "/zoeken/?q=werkgroep&gremium=zorg", SEARCH_READ)
    assert warm == cold - 1, "Bert's choices are those Anna's request kept, not read again"
    assert chosen(page) == ["zorg"]
    assert chosen(anna.get("/zoeken/?q=werkgroep&gremium=wonen").content.decode()) == ["wonen"]
    assert chosen(bert.get("/zoeken/?q=werkgroep").content.decode()) == [""]
    assert chosen(bert.get("/zoeken/?q=werkgroep&gremium=geen").content.decode()) == []
    # A new body is among the choices at the next request.
    services.body_save(body=BodyFactory.build(name="Werkgroep Water", slug="water"))
    assert 'value="water"' in bert.get("/zoeken/?q=werkgroep").content.decode()


def test_with_the_cache_off_every_kept_page_is_built_afresh(db: None, settings: Any) -> None:
    settings.KOEPEL_CACHE = False
    body = BodyFactory(name="Werkgroep Data", slug="data")
    meeting = MeetingFactory(title="Datasessie", bodies=[body])
    member = _member("Gert Lid", body)
    for path, read in (
        ("/bijeenkomsten/?wanneer=past", LIST_READ),
        (f"/bijeenkomsten/{meeting.pk}/", "meetings_agendaitem"),
    ):
        assert _get(member, path, read)[1]
        assert _get(member, path, read)[1]
