"""The report's tree follows the network's own tree and words: its board is the body whose kind
the vocabulary marks as the board, a body at the top groups the bodies beneath it, and the
heading over the rest is the network's own plural, never the G40's "Overige themagroepen"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network, Role, Term
from koepel.registry.tests.factories import BodyFactory, PersonFactory
from koepel.registry.vocabulary import install_default_vocabulary
from koepel.reports.assemble import assemble

G40_WORDS = ("pijler", "themagroep", "Overige themagroepen", "ontbijtsessie", "netwerkdag")


@pytest.fixture
def own_words(db: None) -> dict[str, Any]:
    Term.objects.all().delete()
    install_default_vocabulary()
    Network.objects.create(name="Rivierensteden", short_name="RS")
    board = BodyFactory(name="Bestuur Rivierensteden", slug="bestuur", kind="bestuur")
    Role.objects.create(
        person=PersonFactory(name="Eva Voorzitter"), body=board, function="voorzitter"
    )
    bodies = {"board": board}
    for name, slug, kind in [
        ("Werkgroep Bruggen", "bruggen", "werkgroep"),
        ("Werkgroep Oevers", "oevers", "werkgroep"),
    ]:
        bodies[slug] = BodyFactory(name=name, slug=slug, kind=kind, position=2)
    for body in bodies.values():
        MeetingFactory(
            bodies=[body], date=dt.date(2025, 3, 4), kind="bestuursvergadering", held=True
        )
    return bodies


def _titles(year: int) -> list[tuple[int, str]]:
    return [(s.level, s.title) for s in assemble(year, "public").sections]


def test_a_network_without_grouping_bodies_gets_a_chapter_per_body_and_no_overige(
    own_words: dict[str, Any],
) -> None:
    assert _titles(2025) == [
        (1, "Voorwoord"),
        (1, "Bestuur Rivierensteden"),
        (1, "Werkgroep Bruggen"),
        (1, "Werkgroep Oevers"),
    ]
    text = " ".join(f.text for s in assemble(2025, "public").sections for f in s.facts)
    assert "Voorzitter van het bestuur was Eva Voorzitter" in text
    assert not [word for word in G40_WORDS if word.lower() in text.lower()]


def test_a_body_with_bodies_beneath_it_groups_them_and_the_rest_come_under_the_networks_plural(
    own_words: dict[str, Any],
) -> None:
    committee = BodyFactory(name="Commissie Water", slug="water", kind="commissie", position=1)
    dikes = BodyFactory(name="Werkgroep Dijken", slug="dijken", kind="werkgroep", parent=committee)
    for body in (committee, dikes):
        MeetingFactory(bodies=[body], date=dt.date(2025, 5, 6), kind="werkgroepoverleg", held=True)
    assert _titles(2025) == [
        (1, "Voorwoord"),
        (1, "Bestuur Rivierensteden"),
        (1, "Commissie Water"),
        (2, "Algemeen"),
        (2, "Werkgroep Dijken"),
        (1, "Overige werkgroepen"),
        (2, "Werkgroep Bruggen"),
        (2, "Werkgroep Oevers"),
    ]
