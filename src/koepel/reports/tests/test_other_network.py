"""Nothing about the G40 is built in: another network gets a correct report from the same code."""

from __future__ import annotations

import datetime as dt

import pytest

from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import BodyKind, Network, Population, Role
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    MunicipalityFactory,
    PersonFactory,
)
from koepel.reports.assemble import assemble


@pytest.fixture
def delta(db: None) -> None:
    Network.objects.create(name="Deltanetwerk", short_name="DN")
    for name, people in [("Middelburg", 49_000), ("Vlissingen", 44_000), ("Goes", None)]:
        city = MunicipalityFactory(name=name)
        MembershipFactory(municipality=city)
        if people:
            Population.objects.create(
                municipality=city, year=2024, inhabitants=people, source="test"
            )
    water = BodyFactory(name="Pijler Water", kind=BodyKind.PILLAR, position=1)
    dijken = BodyFactory(name="Themagroep Dijken", parent=water)
    BodyFactory(name="Themagroep Toerisme")
    for month in (2, 6, 10):
        MeetingFactory(bodies=[dijken], date=dt.date(2024, month, 3), format="fysiek")
    old, new = PersonFactory(name="Anna Ouwe"), PersonFactory(name="Bert Nieuw")
    Role.objects.create(
        person=old,
        body=water,
        function="voorzitter",
        start=dt.date(2020, 1, 1),
        end=dt.date(2024, 3, 31),
        end_precision="month",
    )
    Role.objects.create(
        person=new,
        body=water,
        function="voorzitter",
        start=dt.date(2024, 3, 1),
        start_precision="month",
    )


def test_another_network_gets_its_own_tree_and_sentences(delta: None) -> None:
    report = assemble(2024, "public")
    titles = [(s.level, s.title) for s in report.sections]
    assert titles == [
        (1, "Voorwoord"),
        (1, "Pijler Water"),
        (2, "Algemeen"),
        (2, "Themagroep Dijken"),
        (1, "Overige themagroepen"),
        (2, "Themagroep Toerisme"),
        (1, "Over Deltanetwerk"),
    ]
    text = " ".join(f.text for s in report.sections for f in s.facts)
    assert (
        "In 2024 kwam het bestuurlijk overleg van de themagroep drie keer bijeen, alle keren fysiek."
        in text
    )
    assert "Per maart 2024 volgde Bert Nieuw Anna Ouwe op als voorzitter van de pijler." in text
    assert "DN is een netwerk van drie gemeenten." in text or "netwerk van drie gemeenten" in text
    assert "Goes, Middelburg en Vlissingen" in text
    assert "G40" not in text
