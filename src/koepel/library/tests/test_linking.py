"""Finding the registry's names in a section's text, as a reader would."""

from __future__ import annotations

from typing import Any

import pytest

from koepel.library.linking import EntityFinder, Links
from koepel.library.sections import SectionDraft, split_sections
from koepel.library.tests.test_sections import load_report
from koepel.registry.models import Body, Municipality, Organisation, Person
from koepel.registry.tests.factories import (
    BodyFactory,
    MunicipalityFactory,
    OrganisationFactory,
    PersonFactory,
)

# --- Rules, on a small registry --------------------------------------------------------------


@pytest.fixture
def registry(db: None) -> dict[str, Any]:
    made: dict[str, Any] = {
        name: MunicipalityFactory(name=name)
        for name in ("Ede", "Oss", "’s-Hertogenbosch", "Arnhem", "Nijmegen")
    }
    for name, abbreviation in (
        ("Vereniging van Nederlandse Gemeenten", "VNG"),
        ("Ministerie van Binnenlandse Zaken en Koninkrijksrelaties", "BZK"),
        ("Raad voor het Openbaar Bestuur", "Rob"),
        ("Technische Universiteit Delft", "TU Delft"),
        ("Platform31", ""),
        ("Tweede Kamer", ""),
        ("Commissie Digitale Zaken", ""),
        ("Groene Metropoolregio Arnhem-Nijmegen", ""),
    ):
        made[abbreviation or name] = OrganisationFactory(name=name, abbreviation=abbreviation)
    for name in ("Wim Willems", "Van Engelshoven", "Rene\u0301 de Heer"):  # é decomposed
        made[name] = PersonFactory(name=name)
    for name, kind in (
        ("Themagroep Woningmarkt", "theme_group"),
        ("Themagroep Armoede en Schulden", "theme_group"),
        ("Pijler Fysiek", "pillar"),
        ("Taskforce Wonen en Zorg", "taskforce"),
    ):
        made[name] = BodyFactory(name=name, kind=kind)
    return made


def _ids(*records: Any) -> set[int]:
    return {record.pk for record in records}


def test_places_are_found_as_whole_words_with_their_capital(registry: dict[str, Any]) -> None:
    finder = EntityFinder()
    assert finder.find("Bestede uren bij de Ossenkop, ede en oss.") == Links()
    found = finder.find("In Ede, Oss en Arnhem-Zuid.")
    assert found.municipalities == _ids(registry["Ede"], registry["Oss"], registry["Arnhem"])


def test_any_kind_of_quote_stands_for_any_other(registry: dict[str, Any]) -> None:
    finder = EntityFinder()
    city = {registry["’s-Hertogenbosch"].pk}
    assert finder.find("naar 's-Hertogenbosch").municipalities == city
    assert finder.find("naar ’s-Hertogenbosch").municipalities == city


def test_abbreviations_are_whole_words_and_never_ordinary_words(
    registry: dict[str, Any],
) -> None:
    finder = EntityFinder()
    found = finder.find("De VNG-taskforce schreef aan BZK en de TU Delft.")
    assert found.organisations == _ids(registry["VNG"], registry["BZK"], registry["TU Delft"])
    # "Rob" could be a first name: the council is found by its full name only.
    assert finder.find("VNGX en BZKA en Rob Jetten").organisations == set()
    assert finder.find("de Raad voor het Openbaar Bestuur").organisations == {registry["Rob"].pk}


def test_organisation_names_may_start_lower_case_in_running_text(
    registry: dict[str, Any],
) -> None:
    found = EntityFinder().find("de Tweede Kamer\ncommissie Digitale Zaken en Platform31")
    assert found.organisations == _ids(
        registry["Tweede Kamer"], registry["Commissie Digitale Zaken"], registry["Platform31"]
    )


def test_people_are_found_by_full_name_only(registry: dict[str, Any]) -> None:
    finder = EntityFinder()
    assert finder.find("Willems sprak en wim willems luisterde.").people == set()
    found = finder.find("Wim\nWillems sprak met minister van Engelshoven en René de Heer.")
    assert found.people == _ids(
        registry["Wim Willems"], registry["Van Engelshoven"], registry["Rene\u0301 de Heer"]
    )


def test_a_body_is_found_by_its_core_name_only_after_its_kind_word(
    registry: dict[str, Any],
) -> None:
    finder = EntityFinder()
    assert finder.find("De Woningmarkt is krap; de woningmarkt ook.").bodies == set()
    housing = {registry["Themagroep Woningmarkt"].pk}
    assert finder.find("Thema Woningmarkt").bodies == housing
    assert finder.find("in de themagroep Woningmarkt besproken").bodies == housing
    assert finder.find("met de themagroep Armoede & schulden").bodies == {
        registry["Themagroep Armoede en Schulden"].pk
    }
    assert finder.find("Pijler ‘Fysiek’").bodies == {registry["Pijler Fysiek"].pk}
    assert finder.find("zitting in de Taskforce Wonen en Zorg").bodies == {
        registry["Taskforce Wonen en Zorg"].pk
    }


def test_the_longest_name_wins_where_names_overlap(registry: dict[str, Any]) -> None:
    finder = EntityFinder()
    found = finder.find("directeur van de Groene Metropoolregio Arnhem-Nijmegen")
    assert found.organisations == {registry["Groene Metropoolregio Arnhem-Nijmegen"].pk}
    assert found.municipalities == set()
    assert finder.find("Arnhem en Nijmegen").municipalities == _ids(
        registry["Arnhem"], registry["Nijmegen"]
    )


def test_an_empty_registry_finds_nothing(db: None) -> None:
    assert EntityFinder().find("Ede, VNG, Wim Willems") == Links()


def test_the_registry_is_read_once_and_finding_costs_no_queries(
    registry: dict[str, Any],
    django_assert_max_num_queries: Any,
    django_assert_num_queries: Any,
) -> None:
    with django_assert_max_num_queries(4):
        finder = EntityFinder()
    with django_assert_num_queries(0):
        finder.find("Ede en Oss")
        finder.find("Wim Willems")


# --- The real report, on the demo registry ---------------------------------------------------


@pytest.fixture
def linked(demo: None) -> list[tuple[SectionDraft, Links]]:
    sections = split_sections(load_report())
    finder = EntityFinder()
    # As the knowledge base does: the heading counts with the text under it.
    return [(section, finder.find(f"{section.title}\n{section.text}")) for section in sections]


def _where(linked: list[tuple[SectionDraft, Links]], kind: str, pk: int) -> set[tuple[str, ...]]:
    """The trails of the sections that link the record."""
    return {section.trail for section, links in linked if pk in getattr(links, kind)}


def test_report_names_are_linked_in_the_sections_where_they_stand(
    linked: list[tuple[SectionDraft, Links]],
) -> None:
    platform31 = Organisation.objects.get(slug="platform31").pk
    assert {
        ("Pijler ‘Sociaal’", "Thema Binnensteden"),
        ("Informatie over de G40-steden",),
    } <= _where(linked, "organisations", platform31)
    tweede_kamer = Organisation.objects.get(slug="tweede-kamer").pk
    assert {
        ("Voorwoord",),
        ("Overige themagroepen", "Thema Duurzaamheid"),
    } <= _where(linked, "organisations", tweede_kamer)

    # "Apel-\ndoorn" is broken across a line in the theme's text.
    apeldoorn = Municipality.objects.get(name="Apeldoorn").pk
    assert {
        ("Thema Zorg Jeugd en Onderwijs",),
        ("Pijler ‘Economie en Werk’", "Thema Sociaal Ondernemerschap/Impact Ondernemen"),
    } <= _where(linked, "municipalities", apeldoorn)

    tiemens = Person.objects.get(slug="harriet-tiemens").pk
    assert _where(linked, "people", tiemens) == {("Pijler ‘Fysiek’", "Algemeen")}
    housing = Body.objects.get(slug="woningmarkt").pk
    assert ("Pijler ‘Fysiek’", "Thema Woningmarkt") in _where(linked, "bodies", housing)


def test_report_people_are_linked_exactly_where_their_full_name_stands(
    linked: list[tuple[SectionDraft, Links]],
) -> None:
    for slug in ("wim-willems", "paul-depla", "monique-esselbrugge", "tof-thissen"):
        person = Person.objects.get(slug=slug)
        where = {s.trail for s, _ in linked if person.name in " ".join(s.text.split())}
        assert where
        assert _where(linked, "people", person.pk) == where, person.name


def test_report_closing_list_links_every_member_city_and_none_inside_other_words(
    linked: list[tuple[SectionDraft, Links]],
) -> None:
    closing = next(links for section, links in linked if section.title.startswith("Informatie"))
    assert closing.municipalities == set(Municipality.objects.values_list("pk", flat=True))
    finder = EntityFinder()
    assert finder.find("Bestede uren aan de Ossenkop").municipalities == set()
    assert finder.find("Ede en Oss").municipalities == set(
        Municipality.objects.filter(name__in=["Ede", "Oss"]).values_list("pk", flat=True)
    )


def test_linking_the_report_asks_the_database_once_not_per_section(
    demo: None, django_assert_max_num_queries: Any, django_assert_num_queries: Any
) -> None:
    # How long linking takes is measured in bench/, not here; what a test can hold fixed is
    # that the names are read once and every section is then matched in memory.
    sections = split_sections(load_report())
    with django_assert_max_num_queries(8):
        finder = EntityFinder()
    with django_assert_num_queries(0):
        for section in sections:
            finder.find(f"{section.title}\n{section.text}")
