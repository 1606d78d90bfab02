"""The demo dataset holds against the G40 annual report 2021, both ways.

Every name in the demo registry occurs in the report, every body and person the report names
is in the demo, and a few facts the report states are recorded as it states them. Names are
matched as a reader would: across a word broken at a line end, with any kind of quote, without
regard to case, commas or "&" for "en".
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import pytest
from django.core.management import call_command

import koepel.registry
from koepel.core.published_report import not_found, published_report
from koepel.registry.models import Body, Municipality, Organisation, Person, Role

CSV_PATH = Path(koepel.registry.__file__).resolve().parent / "data" / "g40" / "gemeenten.csv"

# Names in the demo that the report writes differently. Kept small and explicit.
ALIASES: dict[str, tuple[str, ...]] = {
    "Dagelijks bestuur": ("DB",),
    "Themagroep Asiel en Vergunningen": ("Vergunninghouders en Asiel",),
    "Opgavetafel mkb": ("opgavetafel",),
    "Raad voor het Openbaar Bestuur": ("Raad voor Openbaar Bestuur",),
}

# A body's name may start with its kind ("Themagroep Financiën") where the report writes
# "Thema Financiën" or "de leerkring": the rest of the name is its core name.
KIND_WORDS = (
    "themagroep",
    "pijler",
    "taskforce",
    "stuurgroep",
    "leerkring",
    "klankbordgroep",
    "programma",
)

# Written by hand from reading the report: its own bodies and the bodies of others it names.
REPORT_BODIES = (
    "DB",
    "Pijler Sociaal",
    "Zorg Jeugd en Onderwijs",
    "Armoede en schulden",
    "Wonen Welzijn en Zorg",
    "Asiel en Vergunningen",
    "Vergunninghouders en Asiel",
    "Sterke Keten",
    "Pijler Economie en Werk",
    "Breed MKB",
    "Binnensteden",
    "Human Capital",
    "Sociaal Ondernemerschap/Impact Ondernemen",
    "Smart Cities",
    "Pijler Fysiek",
    "Omgevingswet",
    "Stedelijke Vernieuwing en Transformatie",
    "Woningmarkt",
    "Financiën",
    "Duurzaamheid",
    "Europa",
    "Veiligheid",
    "Democratische Vernieuwing",
    "Economisch herstel en transitie",
    "Taskforce Wonen en Zorg",
    "Taskforce Werk en Integratie",
    "Landelijke stuurgroep Retailagenda",
    "Directeurenoverleg Rijk-regio-mkb",
    "opgavetafel",
    "Kennisnetwerk regionale economie",
    "SER netwerk regionale projecten Leven Lang Ontwikkelen",
    "City Deal Impact Ondernemen",
    "Ambtelijk kernteam Impact Ondernemen",
    "City Deal 'Een slimme stad zo doe je dat'",
    "Bewustwordingscampagne 'Een Slimme stad zo doe je dat'",
    "sensorenregister",
    "Programma Stedelijke transformatie",
    "Interbestuurlijk Programma Leefbaarheid & Veiligheid",
    "Kennis- en leertraject Woonzorgvisies",
    "Innovatieprogramma 'Langer thuis in de inclusieve wijk'",
    "Beter benutten bestaande voorraad",
    "Commissie Ter Haar",
)

# Everyone the report names: people in roles, guests and addressees.
REPORT_PEOPLE = (
    "Paul Depla",
    "Harriët Tiemens",
    "Maaike Veeningen",
    "Pieter Meekels",
    "Monique Esselbrugge",
    "Mariska ten Heuw",
    "René de Heer",
    "Friso Douwstra",
    "Carine Bloemhoff",
    "Boaz Adank",
    "Maarten van Vierssen",
    "Jeroen Joon",
    "Wim Willems",
    "Marleen Damen",
    "André Krouwel",
    "Han Polman",
    "Rien Franje",
    "Marije van den Berg",
    "Tof Thissen",
    "Koolmees",
    "Wouter Veldhuis",
    "Bernard ter Haar",
    "Mutluer",
    "Wever",
    "Sven Ringelberg",
    "Slob",
    "van Engelshoven",
    "Mark Rutte",
    "Stef Blok",
)

REPORT_ORGANISATIONS = (
    "BZK",
    "SZW",
    "VWS",
    "OCW",
    "EZK",
    "IenW",
    "JenV",
    "Tweede Kamer",
    "commissie Digitale Zaken",
    "Raad van State",
    "Raad voor Openbaar Bestuur",
    "SER",
    "UWV",
    "Deltacommissaris",
    "Vereniging van Nederlandse Gemeenten",
    "G4",
    "M50",
    "P10",
    "IPO",
    "Platform31",
    "PBL",
    "VU Amsterdam",
    "TU Delft",
    "Kieskompas",
    "Democratie in Uitvoering",
    "LCGW",
    "IPW",
    "Aedes",
    "Neprom",
    "Social Enterprise NL",
    "Heijmans",
    "Vodafone",
    "Ziggo",
    "Future City Foundation",
    "Groene Metropoolregio Arnhem-Nijmegen",
)

IMPACT_CITIES = {
    "Amersfoort",
    "Apeldoorn",
    "Breda",
    "Delft",
    "Emmen",
    "Groningen",
    "Haarlem",
    "Sittard-Geleen",
}


def normalise(text: str) -> str:
    """Text as a reader sees it: words joined across a line break, quotes and case alike."""
    text = unicodedata.normalize("NFC", text)
    # "Apel-\ndoorn" is one word; "Sittard-Geleen" within a line keeps its hyphen.
    text = re.sub(
        r"([^\W\d_])-[ \t]*\r?\n[ \t]*([^\W\d_])",
        lambda match: (
            match.group(1) + match.group(2) if match.group(2).islower() else match.group(0)
        ),
        text,
    )
    text = re.sub(r"[’‘`'´]", "'", text)
    text = text.replace("&", " en ").replace(",", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def core_name(name: str) -> str:
    first, _, rest = name.partition(" ")
    return rest if rest and first.casefold() in KIND_WORDS else name


def forms(*names: str) -> set[str]:
    """Every written form of a thing: its names, core names and aliases, normalised."""
    found: set[str] = set()
    for name in filter(None, names):
        for form in (name, core_name(name), *ALIASES.get(name, ())):
            found.add(normalise(form))
    return found


def occurs(form: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text) is not None


def missing_from_report(records: Iterable[tuple[str, set[str]]], text: str) -> list[str]:
    return [label for label, names in records if not any(occurs(n, text) for n in names)]


@pytest.fixture(scope="module")
def report() -> str:
    path = published_report()
    if path is None:
        pytest.skip(not_found())
    return normalise(path.read_text(encoding="utf-8"))


@pytest.fixture
def demo(db: None) -> None:
    call_command("demo", stdout=io.StringIO())


def test_every_person_in_the_demo_is_named_in_the_report(report: str, shared_demo: None) -> None:
    people = [(p.name, forms(p.name)) for p in Person.objects.all()]

    assert people
    assert missing_from_report(people, report) == []


def test_every_body_in_the_demo_is_named_in_the_report(report: str, shared_demo: None) -> None:
    bodies = [(b.name, forms(b.name)) for b in Body.objects.all()]

    assert bodies
    assert missing_from_report(bodies, report) == []


def test_every_municipality_in_the_demo_is_named_in_the_report(
    report: str, shared_demo: None
) -> None:
    municipalities = [(m.name, forms(m.name)) for m in Municipality.objects.all()]

    assert missing_from_report(municipalities, report) == []


def test_every_organisation_in_the_demo_is_named_in_the_report(
    report: str, shared_demo: None
) -> None:
    organisations = [(o.name, forms(o.name, o.abbreviation)) for o in Organisation.objects.all()]

    assert organisations
    assert missing_from_report(organisations, report) == []


def test_the_report_text_is_read_as_a_reader_would(report: str) -> None:
    assert occurs(normalise("Apeldoorn en Eindhoven"), report)
    assert occurs(normalise("Carine Bloemhoff"), report)
    assert occurs(normalise("Sittard-Geleen"), report)
    assert occurs(normalise("'s-Hertogenbosch"), report)
    assert not occurs(normalise("Apel-"), report)


def test_every_body_the_report_names_is_in_the_demo(report: str, shared_demo: None) -> None:
    known = set().union(*(forms(b.name) for b in Body.objects.all()))

    assert all(occurs(normalise(name), report) for name in REPORT_BODIES)
    assert [name for name in REPORT_BODIES if normalise(name) not in known] == []


def test_every_person_the_report_names_is_in_the_demo(report: str, shared_demo: None) -> None:
    known = set().union(*(forms(p.name) for p in Person.objects.all()))

    assert all(occurs(normalise(name), report) for name in REPORT_PEOPLE)
    assert [name for name in REPORT_PEOPLE if normalise(name) not in known] == []


def test_every_organisation_the_report_names_is_in_the_demo(report: str, shared_demo: None) -> None:
    known = set().union(*(forms(o.name, o.abbreviation) for o in Organisation.objects.all()))

    assert all(occurs(normalise(name), report) for name in REPORT_ORGANISATIONS)
    assert [name for name in REPORT_ORGANISATIONS if normalise(name) not in known] == []


def test_the_forty_member_cities_lie_in_their_provinces(shared_demo: None) -> None:
    with CSV_PATH.open(encoding="utf-8", newline="") as handle:
        provinces = {row["name"]: row["province"] for row in csv.DictReader(handle)}
    recorded = {m.name: m.get_province_display() for m in Municipality.objects.all()}

    assert len(recorded) == 40
    assert recorded == provinces


def test_pijler_fysiek_changed_chair_in_september_2021(shared_demo: None) -> None:
    chairs = Role.objects.filter(body__slug="pijler-fysiek", function="voorzitter")
    outgoing = chairs.get(person__name="Harriët Tiemens")
    incoming = chairs.get(person__name="Maaike Veeningen")
    vice = Role.objects.get(body__slug="pijler-fysiek", function="vicevoorzitter")

    assert (outgoing.end.year, outgoing.end.month, outgoing.end_precision) == (2021, 9, "month")
    assert outgoing.start is None
    assert (incoming.start.year, incoming.start.month, incoming.start_precision) == (
        2021,
        9,
        "month",
    )
    assert incoming.end is None
    assert vice.person == incoming.person
    assert (vice.end.year, vice.end.month, vice.end_precision) == (2021, 9, "month")


def test_city_deal_impact_ondernemen_has_the_eight_cities_with_apeldoorn_in_the_chair(
    shared_demo: None,
) -> None:
    deal = Body.objects.get(name="City Deal Impact Ondernemen")
    participations = deal.participations.select_related("municipality")

    assert {p.municipality.name for p in participations if p.municipality} == IMPACT_CITIES
    assert participations.count() == 8
    assert participations.get(function="voorzitter").municipality.name == "Apeldoorn"


def test_the_vng_taskforce_counts_thirteen_of_whom_eight_from_the_network(
    shared_demo: None,
) -> None:
    taskforce = Body.objects.get(slug="taskforce-economisch-herstel")

    assert taskforce.owner.abbreviation == "VNG"
    assert (taskforce.headcount, taskforce.headcount_from_network) == (13, 8)
    assert (taskforce.start.year, taskforce.start.month, taskforce.start_precision) == (
        2021,
        3,
        "month",
    )
