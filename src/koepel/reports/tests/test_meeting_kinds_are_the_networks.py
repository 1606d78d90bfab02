"""What the report tells of a kind of meeting comes from the network's vocabulary, not from the
demo's codes: a network whose kinds of meeting have codes and words of its own gets its
events told by their name and left out of the counts, its trips told with who went along, and
its sessions named where guests spoke."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.meetings.models import Guest
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import (
    Meaning,
    Network,
    Organisation,
    Participation,
    Term,
    Vocabulary,
)
from koepel.registry.tests.factories import BodyFactory, MunicipalityFactory, PersonFactory
from koepel.registry.vocabulary import install_default_vocabulary, install_vocabulary
from koepel.reports.tests.spelling import misspelt, registry_names

YEAR = 2025


@pytest.fixture
def rivers(db: None) -> dict[str, Any]:
    Term.objects.all().delete()
    install_default_vocabulary()
    install_vocabulary(
        {
            Vocabulary.MEETING_KIND: [
                ("jaarevent", "symposium", "symposium", Meaning.EVENT, ""),
                ("uitje", "excursie", "excursion", Meaning.TRIP, ""),
                ("kennisuur", "inspiratiesessie", "inspiration session", "", ""),
                ("lidoverleg", "ledenoverleg", "members' meeting", "", ""),
                ("dagje", "regiodag", "regional day", "", "regiodagen"),
            ]
        }
    )
    Network.objects.create(name="Rivierensteden", short_name="RS")
    board = BodyFactory(name="Bestuur Rivierensteden", slug="bestuur", kind="bestuur")
    minister = PersonFactory(name="Jansen", title="minister")
    rws = Organisation.objects.create(name="Rijkswaterstaat", slug="rws", kind="agency")

    def meeting(kind: str, title: str, month: int, **fields: Any) -> Any:
        return MeetingFactory(
            bodies=[board],
            kind=kind,
            title=title,
            date=dt.date(YEAR, month, 3),
            visibility="public",
            held=True,
            **fields,
        )

    symposium = meeting("jaarevent", "Symposium Rivieren in de stad", 3, location="Nijmegen")
    Guest.objects.create(meeting=symposium, person=minister, topic="ruimte voor de rivier")
    trip = meeting("uitje", "Excursie naar de Maaswerken", 5, format="fysiek")
    Guest.objects.create(meeting=trip, organisation=rws)
    session = meeting("kennisuur", "Kennisuur over hoogwater", 6)
    Guest.objects.create(meeting=session, organisation=rws, topic="hoogwater")
    members = meeting("lidoverleg", "Ledenoverleg juni", 7)
    Guest.objects.create(meeting=members, person=minister, topic="de dijken")
    day = meeting("dagje", "Regiodag Betuwe", 9)
    Guest.objects.create(meeting=day, organisation=rws, topic="de Betuwe")
    return {"board": board}


def _report_text(client: Client) -> str:
    page = BeautifulSoup(client.get(reverse("reports:report", args=[YEAR])).content, "html.parser")
    for link in page.select("a.source"):  # the sources' titles are the records', not sentences
        link.decompose()
    return " ".join(p.get_text(" ", strip=True) for p in page.select("p.report-prose"))


def test_a_network_s_own_kinds_of_meeting_are_told_as_its_vocabulary_says(
    rivers: dict[str, Any], client: Client
) -> None:
    text = _report_text(client)
    for sentence in (
        # An event: told by its name, where it was, how; its guest.
        "Op 3 maart 2025 organiseerde het bestuur het symposium ‘Rivieren in de stad’ in "
        "Nijmegen (digitaal). Te gast was minister Jansen over ruimte voor de rivier.",
        # A trip: who went along.
        "Op 3 mei 2025 organiseerde het bestuur de excursie naar de Maaswerken (fysiek). "
        "Rijkswaterstaat reisde mee.",
        # Meetings with guests, named by their kind with the right preposition and article.
        "Op 3 juni 2025 sprak het bestuur in een inspiratiesessie met Rijkswaterstaat over "
        "hoogwater.",
        "Op 3 juli 2025 sprak het bestuur in het ledenoverleg met minister Jansen over de dijken.",
        "Op 3 september 2025 sprak het bestuur op een van de regiodagen met Rijkswaterstaat over "
        "de Betuwe.",
        # The event and the trip are told, not counted: three meetings remain.
        "In 2025 kwam het bestuur Rivierensteden ten minste drie keer bijeen, alle keren digitaal.",
    ):
        assert sentence in text, f"{sentence}\n{text}"
    assert not any(word in text for word in ("themasessie", "netwerkdag", "pijleroverleg"))
    names = registry_names()
    assert {word for word in misspelt(text, names)} == set()


def test_a_network_s_own_functions_in_a_participation_are_told_as_its_vocabulary_says(
    rivers: dict[str, Any], client: Client
) -> None:
    """Functions with codes of the network's own: the plain participants are told among the
    cities taking part, the lead on its own, any other function by its own name and plural."""
    install_vocabulary(
        {
            Vocabulary.PARTICIPATION_FUNCTION: [
                ("gewoon", "lid", "member", Meaning.MEMBER, "leden"),
                ("aanjager", "aanjager", "driver", Meaning.LEAD, "aanjagers"),
                ("kijker", "waarnemer", "observer", "", "waarnemers"),
            ]
        }
    )
    cities = {name: MunicipalityFactory(name=name) for name in ("Assen", "Emmen", "Oss", "Venlo")}
    for name, function in (
        ("Assen", "gewoon"),
        ("Emmen", "gewoon"),
        ("Oss", "aanjager"),
        ("Venlo", "kijker"),
    ):
        Participation.objects.create(
            body=rivers["board"],
            municipality=cities[name],
            function=function,
            start=dt.date(2020, 1, 1),
        )

    text = _report_text(client)
    assert "werkten drie gemeenten samen: Assen, Emmen en Venlo." in text
    assert "Oss was aanjager in het bestuur." in text
    assert "Venlo was waarnemer in het bestuur." in text
    assert "Assen was" not in text and "Oss, " not in text
