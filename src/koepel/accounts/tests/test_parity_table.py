"""One parity table: every way out gives the same yes or no as the one check.

For every kind of record declared in ``koepel.accounts.paths`` (but the internal ones), a record
at each visibility level, and every identity — nobody signed in, a member of the network, a
member of body A, a member of body B, the secretary of A and the office, each through the pages
(signed in) and through the API (with a personal token) — each way out that shows that kind of
record is asked for it by a word only that record carries: the page of the record, its list
page, the list exported as CSV and as Excel, the API's record and list, search on the page and
in the API, a form's picker, the iCalendar feeds, the annual report (public and internal), the
file download, a person's feed of a body, what a notice or digest tells its reader, and a
person's own start page ("Mijn werk"). Each must answer as the rule below, written here on its
own, says.

The table is built from the declarations: a kind declared there and missing here fails the test,
so a new kind of record cannot be skipped silently. Every way out listed for a kind must show
its public record to everyone, so a way out that shows nothing cannot pass by accident.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from openpyxl import load_workbook

from koepel.accounts.access import needs_second_factor, viewer_for
from koepel.accounts.models import User
from koepel.accounts.paths import PATHS, Internal
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import (
    Consultation,
    ConsultationReminder,
    ConsultationResponse,
    Dossier,
    LobbyAction,
    Milestone,
    OutcomeChange,
)
from koepel.api import services as api_services
from koepel.conftest import IMMEDIATE_TASKS, pass_second_factor
from koepel.library import services as library
from koepel.library.models import Document
from koepel.meetings import answer_links
from koepel.meetings.models import ActionItem, AgendaItem, Decision, Guest, Invitation, Meeting
from koepel.meetings.services import calendar_token_renew
from koepel.notices.models import Event
from koepel.notices.models import Kind as NoticeKind
from koepel.notices.sending import item_for
from koepel.notices.services import feed_token_make
from koepel.registry import selectors as registry_selectors
from koepel.registry.demo import load_vocabulary
from koepel.registry.models import (
    Body,
    Municipality,
    Network,
    Participation,
    Person,
)
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory
from koepel.search import index

pytestmark = pytest.mark.django_db

WHO = ("anonymous", "network", "member_a", "member_b", "secretary_a", "office")
LEVELS = ("public", "network", "body", "restricted")
YEAR = 2021
# An alphabetic word per level, so that each record's word is one token in every index.
LEVEL_WORD = {"public": "open", "network": "netwerk", "body": "gremium", "restricted": "beperkt"}


def may_see(who: str, level: str, *, names_member_b: bool) -> bool:
    """The visibility rule of the design, on its own: the office and the public level for all;
    the network level for members of the network; the body level for the people of body A; the
    restricted level for A's secretary and for member B where the record names them."""
    if who == "office" or level == "public":
        return True
    if level == "network":
        return who != "anonymous"
    if level == "body":
        return who in ("member_a", "secretary_a")
    return who == "secretary_a" or (who == "member_b" and names_member_b)


@dataclass
class Made:
    """One record in the table: its word, the rule's answer per identity, and its addresses."""

    word: str
    expected: dict[str, bool]
    page: str = ""  # the page that shows it (its own, or its parent's)
    api: str = ""  # its address in the API
    download: str = ""  # the page address of its file
    api_download: str = ""  # the API address of its file
    key: str = ""  # what names it in the API's lists, when not its word (a CBS code)


@dataclass
class World:
    bodies: dict[str, Body]
    sub: dict[str, Body]  # a body beneath A at each level
    people: dict[str, Person | None]
    users: dict[str, User | None]
    records: dict[str, list[Made]] = field(default_factory=dict)


def _word(kind: str, level: str, extra: str = "") -> str:
    return f"kwartel{kind}{extra}{LEVEL_WORD[level]}"


def _expected(level: str, *, names_member_b: bool, members: bool = False) -> dict[str, bool]:
    seen = {who: may_see(who, level, names_member_b=names_member_b) for who in WHO}
    if members:
        seen["anonymous"] = False
    return seen


# -- building the world --------------------------------------------------------------------


def _build() -> World:
    load_vocabulary()  # built before any test's own fixtures: the roles' functions need it
    Network.objects.create(name="Testnetwerk", short_name="TN")
    body_a = BodyFactory(name="Groep A", slug="groep-a")
    body_b = BodyFactory(name="Groep B", slug="groep-b")
    body_c = BodyFactory(name="Groep C", slug="groep-c")
    people = {
        "network": RoleFactory(body=body_c).person,
        "member_a": RoleFactory(body=body_a).person,
        "member_b": RoleFactory(body=body_b).person,
        "secretary_a": RoleFactory(body=body_a, function="ambtelijk_secretaris").person,
    }
    users: dict[str, User | None] = {"anonymous": None, "office": UserFactory(office=True)}
    users |= {who: UserFactory(person=person) for who, person in people.items()}
    sub = {
        level: BodyFactory(
            name=f"Werkgroep {_word('gremium', level)}",
            slug=f"werkgroep-{LEVEL_WORD[level]}",
            parent=body_a,
            visibility=level,
        )
        for level in LEVELS
    }
    # Member B is named on the restricted body by a seat in it.
    RoleFactory(body=sub["restricted"], person=people["member_b"])
    world = World(
        bodies={"A": body_a, "B": body_b, "C": body_c},
        sub=sub,
        people={**people, "anonymous": None, "office": None},
        users=users,
    )
    for kind, make in MAKERS.items():
        world.records[kind] = list(make(world))
    index.rebuild()
    return world


def _bodies(world: World) -> Iterator[Made]:
    for level, body in world.sub.items():
        yield Made(
            _word("gremium", level),
            _expected(level, names_member_b=True),
            page=f"/gremia/{body.slug}/",
            api=f"/api/v1/gremia/{body.slug}",
        )


def _roles(world: World) -> Iterator[Made]:
    for level, body in world.sub.items():
        role = RoleFactory(body=body, function_detail=_word("rol", level))
        yield Made(
            _word("rol", level),
            _expected(level, names_member_b=True),
            page=f"/gremia/{body.slug}/",
            api=f"/api/v1/rollen/{role.pk}",
        )
        # A seat left vacant until a successor is named: a role without a person.
        seat = RoleFactory(body=body, person=None, function_detail=_word("rol", level, "vacant"))
        yield Made(
            _word("rol", level, "vacant"),
            _expected(level, names_member_b=True),
            page=f"/gremia/{body.slug}/",
            api=f"/api/v1/rollen/{seat.pk}",
        )


def _participations(world: World) -> Iterator[Made]:
    for level, body in world.sub.items():
        city = Municipality.objects.create(
            name=f"Kwartel{LEVEL_WORD[level]}stad",
            sort_name=f"kwartel{LEVEL_WORD[level]}stad",
            cbs_code=f"GM{9000 + LEVELS.index(level):04d}",
        )
        participation = Participation.objects.create(
            body=body, municipality=city, start=dt.date(2020, 1, 1)
        )
        yield Made(
            f"kwartel{LEVEL_WORD[level]}stad",
            _expected(level, names_member_b=True),
            page=f"/gremia/{body.slug}/",
            api=f"/api/v1/deelnames/{participation.pk}",
            key=city.cbs_code,
        )


def _people(world: World) -> Iterator[Made]:
    # Someone known from a body is seen as that body is: someone whose only seat is in a body
    # one may not see stays unseen. (Someone without a seat, a guest, is known to all.)
    for level in ("public", "restricted"):
        word = _word("persoon", level)
        person = PersonFactory(name=f"Kwartel {word}", slug=word)
        RoleFactory(body=world.sub[level], person=person)
        yield Made(
            word,
            _expected(level, names_member_b=True),
            page=f"/personen/{person.slug}/",
            api=f"/api/v1/personen/{person.slug}",
        )


def _meeting(world: World, level: str) -> Meeting:
    meeting = Meeting.objects.filter(title__endswith=LEVEL_WORD[level], visibility=level).first()
    if meeting is not None:
        return meeting
    meeting = Meeting.objects.create(
        title=f"Overleg {_word('bijeenkomst', level)}",
        kind="themasessie",
        level="bestuurlijk",
        format="online",
        date=dt.date(YEAR, 3, 10 + LEVELS.index(level)),
        start_time=dt.time(10, 0),
        end_time=dt.time(12, 0),
        status="gehouden",
        visibility=level,
    )
    meeting.bodies.set([world.bodies["A"]])
    if level == "restricted":
        Invitation.objects.create(meeting=meeting, person=world.people["member_b"])
    return meeting


def _meetings(world: World) -> Iterator[Made]:
    for level in LEVELS:
        meeting = _meeting(world, level)
        yield Made(
            _word("bijeenkomst", level),
            _expected(level, names_member_b=True),
            page=f"/bijeenkomsten/{meeting.pk}/",
            api=f"/api/v1/bijeenkomsten/{meeting.pk}",
        )


def _meeting_parts(
    kind: str, path: str, make: Callable[[Meeting, str], Any], *, members: bool = False
) -> Callable[[World], Iterator[Made]]:
    def parts(world: World) -> Iterator[Made]:
        for level in LEVELS:
            meeting = _meeting(world, level)
            word = _word(kind, level)
            part = make(meeting, word)
            yield Made(
                word,
                _expected(level, names_member_b=True, members=members),
                page=f"/bijeenkomsten/{meeting.pk}/",
                api=f"/api/v1/bijeenkomsten/{meeting.pk}/{path}/{part.pk}",
            )

    return parts


def _invite(meeting: Meeting, word: str) -> Invitation:
    person = PersonFactory(name=f"Kwartel {word}", slug=word)
    return Invitation.objects.create(meeting=meeting, person=person)


def _action_items(world: World) -> Iterator[Made]:
    yield from _meeting_parts(
        "actiepunt",
        "actiepunten",
        lambda m, w: ActionItem.objects.create(meeting=m, body=world.bodies["A"], description=w),
    )(world)
    # An action of a restricted body, recorded on a public meeting: seen by those who may see
    # that body, on the meeting's page and in the API alike.
    meeting = _meeting(world, "public")
    word = _word("actiepunt", "restricted", extra="verborgen")
    item = ActionItem.objects.create(
        meeting=meeting, body=world.sub["restricted"], description=word
    )
    yield Made(
        word,
        _expected("restricted", names_member_b=True),
        page=f"/bijeenkomsten/{meeting.pk}/",
        api=f"/api/v1/bijeenkomsten/{meeting.pk}/actiepunten/{item.pk}",
    )


def _dossier(world: World, level: str) -> Dossier:
    slug = f"dossier-{LEVEL_WORD[level]}"
    dossier = Dossier.objects.filter(slug=slug).first()
    if dossier is None:
        dossier = Dossier.objects.create(
            title=f"Dossier {_word('dossier', level)}",
            slug=slug,
            goal="Meer woningen",
            visibility=level,
            status="behaald",
            status_date=dt.date(YEAR, 6, 1),
        )
        dossier.bodies.set([world.bodies["A"]])
        if level == "restricted":
            dossier.people.set([world.people["member_b"]])
    return dossier


def _dossiers(world: World) -> Iterator[Made]:
    for level in LEVELS:
        dossier = _dossier(world, level)
        yield Made(
            _word("dossier", level),
            _expected(level, names_member_b=True),
            page=f"/lobby/dossiers/{dossier.slug}/",
            api=f"/api/v1/lobbydossiers/{dossier.slug}",
        )


def _outcomes(world: World) -> Iterator[Made]:
    for level in LEVELS:
        dossier = _dossier(world, level)
        word = _word("uitkomst", level)
        change = OutcomeChange.objects.create(
            dossier=dossier, date=dt.date(YEAR, 6, 1), status="behaald", evidence=word
        )
        yield Made(
            word,
            _expected(level, names_member_b=True),
            page=f"/lobby/dossiers/{dossier.slug}/",
            api=f"/api/v1/lobbydossiers/{dossier.slug}/uitkomsten/{change.pk}",
        )


def _action(world: World, level: str) -> LobbyAction:
    action = LobbyAction.objects.filter(visibility=level).first()
    if action is None:
        action = LobbyAction.objects.create(
            title=f"Brief {_word('lobbyactie', level)}",
            kind="brief",
            date=dt.date(YEAR, 4, 1),
            stage="verzonden",
            visibility=level,
        )
        action.bodies.set([world.bodies["A"]])
        if level == "restricted":
            action.people.set([world.people["member_b"]])
    return action


def _actions(world: World) -> Iterator[Made]:
    for level in LEVELS:
        action = _action(world, level)
        yield Made(
            _word("lobbyactie", level),
            _expected(level, names_member_b=True),
            page=f"/lobby/acties/{action.pk}/",
            api=f"/api/v1/lobbyacties/{action.pk}",
        )


def _answers(world: World) -> Iterator[Made]:
    for level in LEVELS:
        action = _action(world, level)
        word = _word("reactie", level)
        city = Municipality.objects.create(
            name=f"Gemeente {word}", sort_name=word, cbs_code=f"GM{9100 + LEVELS.index(level)}"
        )
        ConsultationResponse.objects.create(action=action, municipality=city, answer="eens")
        yield Made(
            word,
            _expected(level, names_member_b=True, members=True),
            page=f"/lobby/acties/{action.pk}/",
            api=f"/api/v1/lobbyacties/{action.pk}/reacties/{city.cbs_code}",
            key=city.cbs_code,
        )


def _consultation(action: LobbyAction, message: str = "") -> Consultation:
    record, _ = Consultation.objects.get_or_create(
        action=action,
        defaults={
            "deadline": dt.date(YEAR, 3, 15),
            "silence_rule": "geen_reactie",
            "opened_on": dt.date(YEAR, 3, 1),
        },
    )
    if message:
        record.message = message
        record.save()
    return record


def _consultations(world: World) -> Iterator[Made]:
    for level in LEVELS:
        action = _action(world, level)
        word = _word("raadpleging", level)
        _consultation(action, message=f"Toelichting {word}")
        yield Made(
            word,
            _expected(level, names_member_b=True, members=True),
            page=f"/lobby/acties/{action.pk}/",
            api=f"/api/v1/lobbyacties/{action.pk}/raadpleging",
        )


def _reminders(world: World) -> Iterator[Made]:
    for level in LEVELS:
        action = _action(world, level)
        word = _word("herinnering", level)
        city = Municipality.objects.create(
            name=f"Gemeente {word}", sort_name=word, cbs_code=f"GM{9200 + LEVELS.index(level)}"
        )
        record = _consultation(action)
        record.municipalities.add(city)
        ConsultationReminder.objects.create(
            consultation=record, municipality=city, sent_at=dt.datetime(YEAR, 3, 12, tzinfo=dt.UTC)
        )
        yield Made(
            word,
            _expected(level, names_member_b=True, members=True),
            page=f"/lobby/acties/{action.pk}/",
            api=f"/api/v1/lobbyacties/{action.pk}/raadpleging",
        )


def _milestones(world: World) -> Iterator[Made]:
    for level in LEVELS:
        word = _word("mijlpaal", level)
        milestone = Milestone.objects.create(
            title=f"Mijlpaal {word}", date=dt.date(YEAR, 5, 1), visibility=level
        )
        milestone.bodies.set([world.bodies["A"]])
        yield Made(
            word,
            _expected(level, names_member_b=False),
            page=f"/lobby/tijdlijn/{YEAR}/",
            api=f"/api/v1/mijlpalen/{milestone.pk}",
        )


def _document(world: World, level: str) -> Document:
    slug = f"document-{LEVEL_WORD[level]}"
    document = Document.objects.filter(slug=slug).first()
    if document is None:
        text = f"# Kop {_word('sectie', level)}\n\nTekst over wonen.\n".encode()
        document = library.document_create(
            actor=_office(),
            title=f"Rapport {_word('document', level)}",
            slug=slug,
            kind="rapport",
            date=dt.date(YEAR, 7, 1),
            visibility=level,
            bodies=[world.bodies["A"]],
            author_people=[world.people["member_b"]] if level == "restricted" else [],
            file=SimpleUploadedFile(f"{_word('bestand', level)}.md", text, "text/markdown"),
        )
    return document


def _office() -> User:
    return User.objects.get(is_office=True)


def _documents(world: World) -> Iterator[Made]:
    for level in LEVELS:
        document = _document(world, level)
        yield Made(
            _word("document", level),
            _expected(level, names_member_b=True),
            page=f"/kennisbank/{document.slug}/",
            api=f"/api/v1/documenten/{document.slug}",
            download=f"/kennisbank/{document.slug}/bestand/1/",
            api_download=f"/api/v1/documenten/{document.slug}/bestanden/1/inhoud",
        )


def _files(world: World) -> Iterator[Made]:
    for level in LEVELS:
        document = _document(world, level)
        yield Made(
            _word("bestand", level),
            _expected(level, names_member_b=True),
            page=f"/kennisbank/{document.slug}/",
            api=f"/api/v1/documenten/{document.slug}/bestanden/1",
        )


def _sections(world: World) -> Iterator[Made]:
    for level in LEVELS:
        document = _document(world, level)
        yield Made(
            _word("sectie", level),
            _expected(level, names_member_b=True),
            api=f"/api/v1/documenten/{document.slug}/secties/1",
        )


MAKERS: dict[str, Callable[[World], Iterator[Made]]] = {
    "registry.body": _bodies,
    "registry.role": _roles,
    "registry.participation": _participations,
    "registry.person": _people,
    "meetings.meeting": _meetings,
    "meetings.agendaitem": _meeting_parts(
        "agendapunt", "agendapunten", lambda m, w: AgendaItem.objects.create(meeting=m, title=w)
    ),
    "meetings.guest": _meeting_parts(
        "gast", "gasten", lambda m, w: Guest.objects.create(meeting=m, topic=w)
    ),
    "meetings.decision": _meeting_parts(
        "besluit", "besluiten", lambda m, w: Decision.objects.create(meeting=m, text=w)
    ),
    "meetings.actionitem": _action_items,
    "meetings.invitation": _meeting_parts("uitnodiging", "uitnodigingen", _invite, members=True),
    "advocacy.dossier": _dossiers,
    "advocacy.outcomechange": _outcomes,
    "advocacy.lobbyaction": _actions,
    "advocacy.consultationresponse": _answers,
    "advocacy.consultation": _consultations,
    "advocacy.consultationreminder": _reminders,
    "advocacy.milestone": _milestones,
    "library.document": _documents,
    "library.documentfile": _files,
    "library.section": _sections,
}

# Kinds every identity may see in full, by declaration; one record each shows it on every face.
OPEN_KINDS = {
    "registry.network": "/api/v1/netwerk",
    "registry.municipality": "/api/v1/gemeenten",
    "registry.population": "/api/v1/gemeenten",
    "registry.membership": "/api/v1/gemeenten",
    "registry.organisation": "/api/v1/organisaties",
    # (Its picker, /kiezer/organisaties/, answers everyone too: core/tests/test_pickers.py.)
    "reports.annualreport": "/api/v1/jaarverslagen",
    # The vocabulary is read by all through the records that use it (a body's kind).
    "registry.term": "/api/v1/gremia",
}
# Kinds that are themselves how a reader sees others: search entries (every search face below).
SEEN_THROUGH_OTHERS = {"search.searchentry"}


# -- the ways out ----------------------------------------------------------------------------


class Faces:
    """Every way out, asked as each identity; answers of lists are read once."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.pages: dict[str, Client] = {}
        self.api: dict[str, Client] = {}
        for who, user in world.users.items():
            page, api = Client(), Client()
            if user is not None:
                page.force_login(user)
                if needs_second_factor(user):
                    pass_second_factor(page, user)
                _, secret = api_services.token_create(user=user, name="tabel")
                api.defaults["HTTP_AUTHORIZATION"] = f"Token {secret}"
            self.pages[who], self.api[who] = page, api
        self._read: dict[tuple[str, str, str], str] = {}
        self.feeds: dict[str, str] = {}

    def _text(self, client: str, who: str, url: str) -> str:
        key = (client, who, url)
        if key not in self._read:
            response = (self.pages if client == "page" else self.api)[who].get(url)
            # b"".join reads a streamed answer (an exported list) as well as a page.
            self._read[key] = b"".join(response).decode() if response.status_code == 200 else ""
        return self._read[key]

    def shows(self, client: str, who: str, url: str, word: str, *, after: str = "") -> bool:
        text = self._text(client, who, url)
        if after:
            # Only what follows the marker: a search page repeats the question it was asked.
            text = text.partition(after)[2]
        return bool(re.search(rf"\b{word}\b", text, re.IGNORECASE))

    def in_workbook(self, who: str, url: str, word: str) -> bool:
        """Whether an exported workbook holds the word in one of its cells."""
        key = ("xlsx", who, url)
        if key not in self._read:
            response = self.pages[who].get(url)
            text = ""
            if response.status_code == 200:
                sheet = load_workbook(io.BytesIO(b"".join(response)), read_only=True).active
                text = "\n".join(
                    " ".join(str(v) for v in row if v is not None)
                    for row in sheet.iter_rows(values_only=True)
                )
            self._read[key] = text
        return bool(re.search(rf"\b{word}\b", self._read[key], re.IGNORECASE))

    def answers(self, client: str, who: str, url: str) -> bool:
        response = (self.pages if client == "page" else self.api)[who].get(url)
        if response.streaming:
            # Read a download to its end, which closes the stored file the way the test
            # client means it to (closing it by hand would close the database connection).
            b"".join(response.streaming_content)
        return response.status_code == 200


# A face's answer for one identity: shown or not, or None where that identity has no such way
# out (a personal feed for someone who is no person).
FaceCheck = Callable[[Faces, str, Made], bool | None]


def page_detail(faces: Faces, who: str, made: Made) -> bool:
    return faces.shows("page", who, made.page, made.word)


def api_detail(faces: Faces, who: str, made: Made) -> bool:
    return faces.answers("api", who, made.api)


def api_shows(faces: Faces, who: str, made: Made) -> bool:
    return faces.shows("api", who, made.api, made.word)


def listed(page_url: str = "", api_url: str = "") -> tuple[FaceCheck, FaceCheck]:
    def on_page(faces: Faces, who: str, made: Made) -> bool:
        return faces.shows("page", who, page_url, made.word)

    def in_api(faces: Faces, who: str, made: Made) -> bool:
        url = api_url or made.api.rsplit("/", 1)[0]
        return faces.shows("api", who, f"{url}?paginaGrootte=100", made.key or made.word)

    return on_page, in_api


def exported(url: str) -> tuple[FaceCheck, FaceCheck]:
    """A list exported as CSV and as Excel (``url`` ends in the format's place holder)."""

    def as_csv(faces: Faces, who: str, made: Made) -> bool:
        return faces.shows("page", who, url.format(fmt="csv"), made.key or made.word)

    def as_xlsx(faces: Faces, who: str, made: Made) -> bool:
        return faces.in_workbook(who, url.format(fmt="xlsx"), made.key or made.word)

    return as_csv, as_xlsx


def _export_faces(url: str) -> dict[str, Face]:
    as_csv, as_xlsx = exported(url)
    return {"export csv": Face(as_csv), "export xlsx": Face(as_xlsx)}


def search_page(faces: Faces, who: str, made: Made) -> bool:
    url = f"/zoeken/?q={made.word}"
    return faces.shows("page", who, url, made.word, after='class="search-results"')


def search_api(faces: Faces, who: str, made: Made) -> bool:
    return faces.shows("api", who, f"/api/v1/zoeken?q={made.word}", made.word)


def vacant_seats(faces: Faces, who: str, made: Made) -> bool | None:
    """The list of vacant seats the office's start page shows (``selectors.vacant_seats``),
    for each identity (None for a role that is no vacancy: the list never holds it)."""
    if "vacant" not in made.word:
        return None
    user = faces.world.users[who]
    if user is not None:
        user.__dict__.pop("_koepel_viewer", None)
    return any(seat.function_detail == made.word for seat in registry_selectors.vacant_seats(user))


def picker(path: str) -> FaceCheck:
    """A form's picker, asked as the user types the record's word (core/pickers.py)."""

    def check(faces: Faces, who: str, made: Made) -> bool:
        return faces.shows("page", who, f"/kiezer/{path}/?q={made.word}", made.word)

    return check


def body_feed(faces: Faces, who: str, made: Made) -> bool:
    return faces.shows("page", who, "/gremia/groep-a/agenda.ics", made.word)


def _public_only(made: Made, who: str) -> bool:
    # A body's feed is fetched by calendar programs without a session: public meetings only,
    # whoever asks.
    return _level_of(made) == "public"


def personal_body_feed(faces: Faces, who: str, made: Made) -> bool | None:
    """A person's feed of body A, by its secret address without signing in: what the person
    may see of it (None for an identity without a person)."""
    user = faces.world.users[who]
    if user is None or user.person_id is None:
        return None
    key = f"body:{who}"
    if key not in faces.feeds:
        _, faces.feeds[key] = feed_token_make(user=user, body=faces.world.bodies["A"])
    return faces.shows(
        "page", "anonymous", f"/gremia/groep-a/agenda/{faces.feeds[key]}.ics", made.word
    )


def digest(kind: str) -> FaceCheck:
    """What a notice or digest would tell the identity of the record: item_for is the one gate
    every notice passes as it is sent (None for an identity without a person)."""

    def check(faces: Faces, who: str, made: Made) -> bool | None:
        user = faces.world.users[who]
        if user is None or user.person_id is None:
            return None
        path = made.page.strip("/").split("/")
        record = (
            Meeting.objects.get(pk=int(path[1]))
            if kind == NoticeKind.MEETINGS
            else Document.objects.get(slug=path[1])
        )
        event = Event(kind=kind, key=f"tabel:{record.pk}", object_id=record.pk, is_new=True)
        user.__dict__.pop("_koepel_viewer", None)
        return item_for(event, user) is not None

    return check


def answer_link(faces: Faces, who: str, made: Made) -> bool | None:
    """The link in an invitation mail, opened without signing in: an invitation of the
    identity's person to the meeting, however it came about (None for an identity without a
    person: nobody mails them)."""
    person = faces.world.people[who]
    if person is None:
        return None
    meeting = Meeting.objects.get(pk=int(made.page.strip("/").split("/")[1]))
    invitation, made_now = Invitation.objects.get_or_create(meeting=meeting, person=person)
    link = reverse("meetings:answer-link", args=[answer_links.token_for(invitation)])
    shown = faces.shows("page", "anonymous", link, made.word)
    if made_now:
        invitation.delete()  # the other faces ask the world as it was
    return shown


def person_feed(faces: Faces, who: str, made: Made) -> bool | None:
    """A person's own feed, opened by its secret address without signing in (None for an
    identity without a person: there is no such feed to ask)."""
    person = faces.world.people[who]
    if person is None:
        return None
    if who not in faces.feeds:
        faces.feeds[who] = calendar_token_renew(person=person).token
    token = faces.feeds[who]
    return faces.shows("page", "anonymous", f"/agenda/{token}.ics", made.word)


def my_actions(faces: Faces, who: str, made: Made) -> bool | None:
    """Mijn werk: an action given to the identity's person is on their list of open actions
    exactly when they may see it (None for an identity without a person: no such list)."""
    person = faces.world.people[who]
    if person is None:
        return None
    item = ActionItem.objects.get(description=made.word)
    before = item.owner_id
    ActionItem.objects.filter(pk=item.pk).update(owner=person)
    try:
        text = faces.pages[who].get(reverse("mywork:panel", args=["acties"])).content.decode()
    finally:
        ActionItem.objects.filter(pk=item.pk).update(owner_id=before)  # as the world was
    return bool(re.search(rf"\b{made.word}\b", text))


def minutes_to_write(faces: Faces, who: str, made: Made) -> bool | None:
    """Mijn werk of a secretary: the meetings of their bodies held without minutes (None for
    an identity that is no secretary: it has no such panel)."""
    user = faces.world.users[who]
    if user is None or not viewer_for(user).secretary_body_ids:
        return None
    return faces.shows("page", who, reverse("mywork:panel", args=["verslagen"]), made.word)


def report_public(faces: Faces, who: str, made: Made) -> bool:
    return faces.shows("page", who, f"/jaarverslag/{YEAR}/", made.word)


def report_internal(faces: Faces, who: str, made: Made) -> bool:
    return faces.shows("page", who, f"/jaarverslag/{YEAR}/?versie=intern", made.word)


def download_page(faces: Faces, who: str, made: Made) -> bool:
    return faces.answers("page", who, made.download)


def download_api(faces: Faces, who: str, made: Made) -> bool:
    return faces.answers("api", who, made.api_download)


def _reader(level: str, audience: str) -> bool:
    """What the annual report's reader of an audience may see: the public, or any member."""
    return level == "public" or (audience == "network" and level == "network")


@dataclass(frozen=True)
class Face:
    check: FaceCheck
    # The answer expected of this face, when it is not the record's own rule for the identity
    # (the report shows what its audience's reader may see, whoever asks).
    expect: Callable[[Made, str], bool] | None = None


def _in_person_feed(made: Made, who: str) -> bool:
    # A person's feed holds the meetings of their own bodies (A) and those they are invited to.
    own = who in ("member_a", "secretary_a") or (who == "member_b" and "beperkt" in made.word)
    return made.expected[who] and own


def _invited(made: Made, who: str) -> bool:
    # Whoever is invited to a meeting sees it, whatever its level (a guest from outside the
    # network answers their invitation): the rule as it stands once the person is invited.
    return True


def _report(audience: str) -> Callable[[Made, str], bool]:
    def expect(made: Made, who: str) -> bool:
        seen_by_reader = _reader(_level_of(made), audience)
        if audience == "network" and who == "anonymous":
            return _reader(_level_of(made), "public")  # asking for more gives the public one
        return seen_by_reader

    return expect


def _level_of(made: Made) -> str:
    return next(level for level, word in LEVEL_WORD.items() if made.word.endswith(word))


def _faces_of_own(page_list: str, api_list: str) -> dict[str, Face]:
    on_page, in_api = listed(page_list, api_list)
    faces = {
        "page detail": Face(page_detail),
        "api detail": Face(api_detail),
        "api list": Face(in_api),
        "search page": Face(search_page),
        "search api": Face(search_api),
    }
    if page_list:
        faces["page list"] = Face(on_page)
    return faces


def _report_faces() -> dict[str, Face]:
    return {
        "report public": Face(report_public, _report("public")),
        "report internal": Face(report_internal, _report("network")),
    }


def _part_faces() -> dict[str, Face]:
    _, in_api = listed()
    return {
        "page detail": Face(page_detail),
        "api detail": Face(api_detail),
        "api list": Face(in_api),
    }


TABLE: dict[str, dict[str, Face]] = {
    "registry.body": {
        **_faces_of_own("/gremia/", "/api/v1/gremia"),
        "picker": Face(picker("gremia")),
        **_export_faces("/register/export/gremia.{fmt}"),
    },
    "registry.role": {
        "page detail": Face(page_detail),
        "api detail": Face(api_detail),
        "api list": Face(listed(api_url="/api/v1/rollen")[1]),
        **_export_faces("/register/export/rollen.{fmt}"),
        "vacant seats": Face(vacant_seats),
    },
    "registry.participation": {
        "api detail": Face(api_detail),
        "api list": Face(listed(api_url="/api/v1/deelnames")[1]),
        **_export_faces("/register/export/deelnames.{fmt}"),
    },
    "registry.person": {
        **_faces_of_own("/personen/", "/api/v1/personen"),
        **_export_faces("/register/export/personen.{fmt}"),
        "picker": Face(picker("personen")),
    },
    "meetings.meeting": {
        **_faces_of_own(f"/bijeenkomsten/?jaar={YEAR}&wanneer=past", "/api/v1/bijeenkomsten"),
        "calendar month": Face(listed(f"/bijeenkomsten/kalender/{YEAR}/3/")[0]),
        **_export_faces(f"/bijeenkomsten/?jaar={YEAR}&wanneer=past&formaat={{fmt}}"),
        "calendar feed of a body": Face(body_feed, _public_only),
        "personal feed of a body": Face(personal_body_feed),
        "calendar feed of a person": Face(person_feed, _in_person_feed),
        "notice or digest": Face(digest(NoticeKind.MEETINGS)),
        "answer link of an invitation": Face(answer_link, _invited),
        "my work: meetings without minutes": Face(minutes_to_write),
        **_report_faces(),
    },
    "meetings.agendaitem": {**_part_faces(), "search page": Face(search_page)},
    "meetings.guest": _part_faces(),
    "meetings.decision": _part_faces(),
    "meetings.actionitem": {**_part_faces(), "my work: my open actions": Face(my_actions)},
    "meetings.invitation": _part_faces(),
    "advocacy.dossier": {
        **_faces_of_own("/lobby/", "/api/v1/lobbydossiers"),
        "picker": Face(picker("dossiers")),
        **_export_faces("/lobby/?formaat={fmt}"),
        **_report_faces(),
    },
    "advocacy.outcomechange": _part_faces(),
    "advocacy.lobbyaction": {
        **_faces_of_own(f"/lobby/tijdlijn/{YEAR}/", "/api/v1/lobbyacties"),
        **_export_faces(f"/lobby/tijdlijn/{YEAR}/?formaat={{fmt}}"),
        **_report_faces(),
    },
    "advocacy.consultationresponse": _part_faces(),
    # A consultation and its reminders are read on the action's page and in its
    # consultation's resource in the API (toelichting, nogGeenAntwoord).
    "advocacy.consultation": {"page detail": Face(page_detail), "api detail": Face(api_shows)},
    "advocacy.consultationreminder": {
        "page detail": Face(page_detail),
        "api detail": Face(api_shows),
    },
    "advocacy.milestone": {
        **_faces_of_own(f"/lobby/tijdlijn/{YEAR}/", "/api/v1/mijlpalen"),
        **_export_faces(f"/lobby/tijdlijn/{YEAR}/?formaat={{fmt}}"),
        **_report_faces(),
    },
    "library.document": {
        **_faces_of_own("/kennisbank/", "/api/v1/documenten"),
        **_export_faces("/kennisbank/?formaat={fmt}"),
        "download page": Face(download_page),
        "download api": Face(download_api),
        "notice or digest": Face(digest(NoticeKind.DOCUMENTS)),
        "picker": Face(picker("documenten")),
        **_report_faces(),
    },
    "library.documentfile": _part_faces(),
    "library.section": {
        "api detail": Face(api_detail),
        "search page": Face(search_page),
        "search api": Face(search_api),
    },
}


@pytest.fixture(scope="module")
def _files_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("tabel")


@pytest.fixture(autouse=True)
def _same_files_for_every_test(settings: Any, _files_root: Path) -> None:
    # The world is built once for the module; its uploaded files must stay where it put them.
    settings.MEDIA_ROOT = _files_root / "media"
    settings.KOEPEL_PRIVATE_ROOT = _files_root / "private"


@pytest.fixture(scope="module")
def faces(django_db_setup: None, django_db_blocker: Any, _files_root: Path) -> Iterator[Faces]:
    # Background tasks (reading an uploaded file) run at once, as in each test.
    files = override_settings(
        MEDIA_ROOT=_files_root / "media",
        KOEPEL_PRIVATE_ROOT=_files_root / "private",
        TASKS=IMMEDIATE_TASKS,
    )
    with django_db_blocker.unblock(), files:
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield Faces(_build())
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_every_declared_kind_is_in_the_table() -> None:
    declared = {label for label, path in PATHS.items() if not isinstance(path, Internal)}
    covered = set(TABLE) | set(OPEN_KINDS) | SEEN_THROUGH_OTHERS
    assert declared - covered == set(), "kinds declared in accounts.paths but not in the table"
    assert set(TABLE) <= set(MAKERS)


@pytest.mark.parametrize("kind", sorted(TABLE))
def test_every_way_out_answers_as_the_check(faces: Faces, kind: str) -> None:
    wrong: list[str] = []
    for made in faces.world.records[kind]:
        for name, face in TABLE[kind].items():
            for who in WHO:
                expected = face.expect(made, who) if face.expect else made.expected[who]
                answer = face.check(faces, who, made)
                if answer is not None and answer is not expected:
                    seen = "shows" if not expected else "hides"
                    wrong.append(f"{name} {seen} {made.word} to {who}")
    assert wrong == []


@pytest.mark.parametrize("label", sorted(OPEN_KINDS))
def test_open_kinds_are_read_by_all(faces: Faces, label: str) -> None:
    for who in WHO:
        assert faces.answers("api", who, OPEN_KINDS[label]), (label, who)


def test_a_restricted_bodys_action_on_a_public_meeting_is_hidden_alike(faces: Faces) -> None:
    """The page and the API once disagreed here: both now hide it from those who may not see
    the body, and both show it to those who may."""
    made = next(m for m in faces.world.records["meetings.actionitem"] if "verborgen" in m.word)
    for who in WHO:
        assert page_detail(faces, who, made) is api_detail(faces, who, made) is made.expected[who]
    assert not made.expected["member_a"] and made.expected["secretary_a"]
