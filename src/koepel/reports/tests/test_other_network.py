"""Nothing about the G40 is built in: another network gets a correct report from the same code,
told from its own tree. A network without pillars whose work sits on its board gets that work
told; a generated network's report holds nothing its records do not and no sentence twice."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier, LobbyAction, Stage
from koepel.generate.generator import generate
from koepel.library.models import Document
from koepel.meetings.models import Guest, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import (
    Network,
    Organisation,
    Population,
    Role,
)
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
    RoleFactory,
)
from koepel.reports.assemble import Assembled, assemble
from koepel.reports.models import CompleteYear
from koepel.reports.tests.spelling import misspelt, registry_names
from koepel.reports.tests.test_writing_rules import _bare_names, _sentences, _texts


@pytest.fixture
def delta(db: None) -> dict[str, Any]:
    Network.objects.create(name="Deltanetwerk", short_name="DN")
    for name, people in [("Middelburg", 49_000), ("Vlissingen", 44_000), ("Goes", None)]:
        city = MunicipalityFactory(name=name)
        MembershipFactory(municipality=city)
        if people:
            Population.objects.create(
                municipality=city, year=2024, inhabitants=people, source="test"
            )
    water = BodyFactory(name="Pijler Water", kind="pillar", position=1)
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
    return {"water": water, "dijken": dijken}


def _all(report: Assembled) -> str:
    return " ".join(_texts(report))


def test_another_network_gets_its_own_tree_and_sentences(delta: dict[str, Any]) -> None:
    report = assemble(2024, "public")
    titles = [(s.level, s.title) for s in report.sections]
    # Toerisme has nothing to tell this year: it is left out, and with it "Overige".
    assert titles == [
        (1, "Voorwoord"),
        (1, "Pijler Water"),
        (2, "Algemeen"),
        (2, "Themagroep Dijken"),
        (1, "Over Deltanetwerk"),
    ]
    text = _all(report)
    assert (
        "In 2024 kwam de themagroep Dijken ten minste drie keer bijeen, alle keren fysiek." in text
    )
    assert "Per maart 2024 volgde Bert Nieuw Anna Ouwe op als voorzitter van de pijler." in text
    assert "De DN is een netwerk van drie gemeenten." in text
    assert "Van Goes ontbreekt dat aantal nog" in text
    assert "Goes, Middelburg en Vlissingen" in text
    assert "G40" not in text


def test_a_count_is_only_said_in_full_once_the_secretary_marks_the_year_complete(
    delta: dict[str, Any], client: Client
) -> None:
    secretary = PersonFactory()
    RoleFactory(person=secretary, body=delta["dijken"], function="ambtelijk_secretaris")
    client.force_login(UserFactory(person=secretary))
    key = f"body:{delta['dijken'].pk}"
    url = reverse("reports:section", args=[2024, key])
    form = BeautifulSoup(client.get(url).content, "html.parser")
    box = form.find("input", attrs={"name": "complete", "value": str(delta["dijken"].pk)})
    assert box is not None and not box.has_attr("checked")
    data: dict[str, Any] = {
        "narrative": "",
        "status": "concept",
        "version": form.find("input", attrs={"name": "version"})["value"],
        "complete": [str(delta["dijken"].pk)],
    }
    for index, field in enumerate(form.find_all("textarea", attrs={"name": re.compile(r"^text_")})):
        data[f"keep_{index}"] = "on"
        data[field["name"]] = field.get_text()
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#body{delta['dijken'].pk}")  # the section's own id
    assert CompleteYear.objects.filter(body=delta["dijken"], year=2024).exists()
    assert "kwam de themagroep Dijken drie keer bijeen" in _all(assemble(2024, "public"))

    form = BeautifulSoup(client.get(url).content, "html.parser")
    box = form.find("input", attrs={"name": "complete", "value": str(delta["dijken"].pk)})
    assert box.has_attr("checked")
    data["version"] = form.find("input", attrs={"name": "version"})["value"]
    data.pop("complete")
    client.post(url, data)
    assert "ten minste drie keer" in _all(assemble(2024, "public"))


def test_only_whoever_may_edit_the_body_marks_its_year(delta: dict[str, Any]) -> None:
    from django.core.exceptions import PermissionDenied

    from koepel.reports import services

    outsider = UserFactory(person=PersonFactory())
    with pytest.raises(PermissionDenied):
        services.complete_year_set(actor=outsider, body=delta["dijken"], year=2024, complete=True)
    assert not CompleteYear.objects.exists()


@pytest.fixture
def board_only(db: None) -> dict[str, Any]:
    """A network without pillars or theme groups: all its work sits on its board."""
    Network.objects.create(name="Kustgemeenten", short_name="KG")
    for name in ("Den Helder", "Vlissingen"):
        MembershipFactory(municipality=MunicipalityFactory(name=name))
    board = BodyFactory(name="Bestuur Kustgemeenten", kind="board", slug="bestuur")
    first, second = PersonFactory(name="Carla Eerst"), PersonFactory(name="Daan Later")
    Role.objects.create(
        person=first,
        body=board,
        function="voorzitter",
        end=dt.date(2025, 5, 31),
        end_precision="month",
    )
    Role.objects.create(
        person=second,
        body=board,
        function="voorzitter",
        start=dt.date(2025, 6, 1),
        start_precision="month",
    )
    minister = PersonFactory(name="Jansen", title="minister")
    meeting = MeetingFactory(bodies=[board], date=dt.date(2025, 4, 10), format="online")
    Guest.objects.create(meeting=meeting, person=minister, topic="de kustverdediging")
    ministry = Organisation.objects.create(
        name="Ministerie van Infrastructuur en Waterstaat",
        abbreviation="IenW",
        slug="ienw",
        kind="ministry",
    )
    dossier = Dossier.objects.create(
        title="Zand voor de kust",
        slug="zand",
        goal="Het Rijk blijft zand suppleren.",
        status="behaald",
        status_date=dt.date(2025, 11, 1),
        status_date_precision="month",
        evidence="Het Rijk zegde het zand voor tien jaar toe.",
        visibility="public",
    )
    dossier.bodies.set([board])
    letter = LobbyAction.objects.create(
        title="Brief over zandsuppletie",
        kind="brief",
        date=dt.date(2025, 5, 12),
        stage=Stage.SENT,
        visibility="public",
    )
    letter.bodies.set([board])
    letter.addressees.set([ministry])
    letter.dossiers.set([dossier])
    document = Document.objects.create(
        title="Kust in cijfers",
        slug="kust",
        kind="rapport",
        date=dt.date(2025, 9, 1),
        date_precision="month",
        visibility="public",
    )
    document.bodies.set([board])
    return {"board": board}


def test_a_network_without_pillars_gets_its_board_s_work_told(board_only: dict[str, Any]) -> None:
    report = assemble(2025, "public")
    assert [(s.level, s.title) for s in report.sections] == [
        (1, "Voorwoord"),
        (1, "Bestuur Kustgemeenten"),
        (1, "Over Kustgemeenten"),
    ]
    board = report.sections[1]
    text = " ".join(f.text for f in board.facts)
    for phrase in (
        "Per juni 2025 volgde Daan Later Carla Eerst op als voorzitter van het bestuur.",
        "In 2025 kwam het bestuur Kustgemeenten ten minste één keer bijeen (digitaal).",
        "Op 10 april 2025 sprak het bestuur in een themasessie met minister Jansen over de "
        "kustverdediging.",
        "Op 12 mei 2025 stuurde de KG een brief over zandsuppletie aan het ministerie van IenW.",
        "Het lobbydossier ‘Zand voor de kust’ is behaald (november 2025).",
        "In september 2025 verscheen het rapport ‘Kust in cijfers’.",
    ):
        assert phrase in text, f"{phrase}\n{text}"
    assert "In 2025 behaalde de KG het lobbydossier ‘Zand voor de kust’." in _all(report)
    names = registry_names()
    assert {w for t in _texts(report) for w in misspelt(t, names)} == set()


# --- a generated network ------------------------------------------------------------------


@pytest.fixture
def generated(db: None) -> list[Assembled]:
    generate(scale=0.1, seed=3)
    return [assemble(2021, "public"), assemble(2021, "network")]


def test_a_generated_report_says_no_sentence_twice(generated: list[Assembled]) -> None:
    for report in generated:
        twice = [s for s, n in Counter(_sentences(report)).items() if n > 1]
        assert twice == []


def test_a_generated_report_names_bodies_with_their_article(generated: list[Assembled]) -> None:
    assert list(_bare_names(_all(generated[1]))) == []


def test_a_generated_report_counts_only_the_meetings_its_records_hold(
    generated: list[Assembled],
) -> None:
    from koepel.accounts.access import visible
    from koepel.reports.assemble import audience_viewer

    for report in generated:
        seen = 0
        for section in report.sections:
            for fact in section.facts:
                if not fact.key.startswith("meetings:"):
                    continue
                _kind, body_pk, level = fact.key.split(":")
                held = visible(
                    Meeting.objects.filter(bodies=body_pk, date__year=2021, level=level)
                    .exclude(status="geannuleerd")
                    .exclude(
                        kind__in=[
                            "congres",
                            "studiereis",
                            "ontwerpsessie",
                            "werkbezoek",
                            "rondetafelgesprek",
                        ]
                    ),
                    audience_viewer(report.audience),
                ).count()
                assert f" {_times(held)} bijeen" in fact.text, fact.text
                assert ("ten minste" in fact.text) != CompleteYear.objects.filter(
                    body=body_pk, year=2021
                ).exists()
                seen += 1
        assert seen


def _times(n: int) -> str:
    from koepel.reports import dutch

    return dutch.times(n)


def test_a_generated_report_tells_only_records_the_audience_may_see(
    generated: list[Assembled],
) -> None:
    from koepel.accounts.access import visible
    from koepel.advocacy.models import Milestone
    from koepel.reports.assemble import audience_viewer

    models = {
        "action": LobbyAction,
        "dossier": Dossier,
        "milestone": Milestone,
        "event": Meeting,
        "guests": Meeting,
        "joint": Meeting,
    }
    for report in generated:
        viewer = audience_viewer(report.audience)
        for section in report.sections:
            for fact in section.facts:
                kind, _sep, rest = fact.key.partition(":")
                if kind == "document":
                    pks = [int(pk) for pk in rest.split("-")]
                    assert visible(Document.objects.filter(pk__in=pks), viewer).count() == len(pks)
                elif kind in models:
                    pk = int(rest.split(":")[-1])
                    assert visible(models[kind].objects.filter(pk=pk), viewer).exists(), fact.key


def test_the_other_members_are_said_as_members_and_never_counted_as_cities(
    delta: dict[str, Any],
) -> None:
    for name, kind in [
        ("Provincie Zeeland", "province"),
        ("Waterschap Scheldestromen", "water_board"),
    ]:
        MembershipFactory(municipality=None, organisation=OrganisationFactory(name=name, kind=kind))
    text = _all(assemble(2024, "public"))
    assert "De DN is een netwerk van drie gemeenten en twee andere leden." in text
    assert "De drie gemeenten van de DN zijn: Goes, Middelburg en Vlissingen." in text
    assert "De andere leden van de DN zijn: Provincie Zeeland en Waterschap Scheldestromen." in text
