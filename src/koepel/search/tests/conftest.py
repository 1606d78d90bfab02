"""A small network recorded through the services, so the index fills as it does in use, and
helpers that read the search page as a visitor does."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from django.test import Client
from django.urls import reverse

from koepel.accounts.access import SYSTEM
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy import services as lobby
from koepel.meetings import services as meetings
from koepel.registry import services as registry
from koepel.registry.models import Body, Level, Person, Role
from koepel.search import index


@dataclass(frozen=True)
class Hit:
    kind: str
    title: str
    url: str
    trail: str
    snippet: str  # the snippet's HTML


@dataclass(frozen=True)
class Page:
    status: int
    soup: BeautifulSoup
    hits: list[Hit]
    counts: dict[str, int]  # per kind, as the filter list shows them
    html: str

    @property
    def titles(self) -> list[str]:
        return [hit.title for hit in self.hits]

    @property
    def total(self) -> int:
        status = self.soup.find(class_="search-summary")
        numbers = re.findall(r"\d+", status.get_text()) if status else []
        return int(numbers[0]) if numbers and self.hits else 0


def search_page(client: Client, q: str = "", **params: Any) -> Page:
    response = client.get(reverse("search:search"), {"q": q, **params})
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    hits = []
    for item in soup.select("ol.search-results > li"):
        link = item.find("h2").find("a")
        trail = item.find(class_="search-hit__trail")
        snippet = item.find(class_="search-hit__snippet")
        hits.append(
            Hit(
                kind=item["data-kind"],
                title=link.get_text(strip=True),
                url=link["href"],
                trail=trail.get_text(strip=True) if trail else "",
                snippet=snippet.decode_contents() if snippet else "",
            )
        )
    counts = {}
    for box in soup.select('input[name="soort"]'):
        label = soup.find("label", attrs={"for": box["id"]})
        assert isinstance(label, Tag)
        counts[box["value"]] = int(re.findall(r"\((\d+)\)", label.get_text())[-1])
    return Page(response.status_code, soup, hits, counts, html)


def make_body(name: str, slug: str, kind: str, parent: Body | None = None, **fields: Any) -> Body:
    return registry.body_save(body=Body(name=name, slug=slug, kind=kind, parent=parent, **fields))


def make_person(name: str, slug: str, **fields: Any) -> Person:
    return registry.person_save(person=Person(name=name, slug=slug, **fields))


def give_role(person: Person, body: Body, function: str = "lid") -> Role:
    return registry.role_save(
        role=Role(
            person=person,
            body=body,
            function=function,
            level=Level.OFFICIAL,
            start=dt.date(2020, 1, 1),
        )
    )


@pytest.fixture
def network(db: None) -> dict[str, Any]:
    """A pillar with a theme group, its people, and public and confidential records about
    housing; every record goes in through the services."""
    pillar = make_body("Pijler Fysiek", "fysiek", "pillar")
    group = make_body("Themagroep Wonen", "wonen", "theme_group", parent=pillar)
    elsewhere = make_body("Themagroep Cultuur", "cultuur", "theme_group")
    named = make_person("Nina Genoemd", "nina", email="nina@example.nl", phone="0612345678")
    colleague = make_person("Kees Collega", "kees")
    secretary = make_person("Saskia Secretaris", "saskia")
    outsider = make_person("Otto Buiten", "otto")
    give_role(named, group)
    give_role(colleague, group)
    give_role(secretary, group, "ambtelijk_secretaris")
    give_role(outsider, elsewhere)

    public_meeting = meetings.meeting_plan(
        actor=SYSTEM,
        bodies=[group],
        title="Themasessie woningbouw",
        kind="themasessie",
        level="ambtelijk",
        format="online",
        date=dt.date(2021, 3, 9),
        description="Over woningbouw in de wijk en de rol van de provincie.",
        visibility="public",
    )
    secret_meeting = meetings.meeting_plan(
        actor=SYSTEM,
        bodies=[group],
        title="Vertrouwelijk overleg grondprijzen",
        kind="overig",
        level="bestuurlijk",
        format="fysiek",
        date=dt.date(2021, 5, 20),
        description="Woningbouw en de grondprijsstrategie van het Rijk, niet voor derden.",
        visibility="restricted",
    )
    meetings.meeting_invite(actor=SYSTEM, meeting=secret_meeting, people=[named])
    dossier = lobby.dossier_create(
        actor=SYSTEM,
        bodies=[group],
        title="Meer sociale huurwoningen",
        slug="sociale-huur",
        goal="Het Rijk investeert in woningbouw voor mensen met een laag inkomen.",
        visibility="public",
    )
    secret_action = lobby.action_create(
        actor=SYSTEM,
        bodies=[group],
        dossiers=[dossier],
        people=[named],
        title="Conceptbrief over de erfpachtkorting",
        kind="brief",
        date=dt.date(2021, 6, 1),
        date_precision="day",
        summary="Woningbouw vraagt om een erfpachtkorting; de brief is nog geheim.",
        visibility="restricted",
    )
    return {
        "pillar": pillar,
        "group": group,
        "elsewhere": elsewhere,
        "named": named,
        "public_meeting": public_meeting,
        "secret_meeting": secret_meeting,
        "dossier": dossier,
        "secret_action": secret_action,
        "users": {
            "office": UserFactory(office=True),
            "named": UserFactory(person=named),
            "colleague": UserFactory(person=colleague),
            "secretary": UserFactory(person=secretary),
            "outsider": UserFactory(person=outsider),
        },
    }


def signed_in(client: Client, network: dict[str, Any], who: str) -> Client:
    if who != "anonymous":
        client.force_login(network["users"][who])
    return client


def sections(
    network: dict[str, Any], count: int, *, first: int = 900_000, word: str = "energietransitie"
) -> list[tuple[str, index.Entry]]:
    """``count`` sections of a test document in the group, one level after another (a
    restricted one names the named person): entries enough to fill several batches."""
    group, named = network["group"], network["named"]
    entries = []
    for number in range(count):
        visibility = ["public", "network", "body", "restricted"][number % 4]
        entries.append(
            (
                f"library.section:{first + number}",
                index.Entry(
                    kind="sectie",
                    title=f"Paragraaf {number} over de {word}",
                    text=f"Over de {word} in hoofdstuk {number}, met een crèche.",
                    url=f"/kennisbank/proef/#sectie-{number}",
                    visibility=visibility,
                    bodies=(group.pk,),
                    people=(named.pk,) if visibility == "restricted" else (),
                    trail=f"Proefdocument › Hoofdstuk {number}",
                    year=2021,
                ),
            )
        )
    return entries
