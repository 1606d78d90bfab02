"""The writing rules of docs/taal.md as tests, over the demo's report, over a generated network's
report and over the helpers that write them: the spelling, an article before a body's name, a
title with a person's name, an addressee named once, capitals on words made from names, and no
sentence twice."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator

import pytest

from koepel.advocacy.models import LobbyAction, Stage
from koepel.registry.models import Body, Organisation, OrganisationKind, Person
from koepel.reports import dutch
from koepel.reports.assemble import Assembled, assemble
from koepel.reports.facts import _action_sentence, name_of, org_ref, person_ref
from koepel.reports.tests.spelling import accepts, misspelt, registry_names

PREPOSITIONS = r"(?:met|aan|van|bij|voor|door|over|tot|en|in|samen met)"


def _texts(report: Assembled) -> list[str]:
    return [fact.text for section in report.sections for fact in section.facts]


def _sentences(report: Assembled) -> list[str]:
    return [
        sentence
        for text in _texts(report)
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z‘])", text)
        if sentence
    ]


@pytest.fixture
def demo_reports(shared_demo: None) -> list[Assembled]:
    return [assemble(2021, "public"), assemble(2021, "network")]


# --- no sentence twice ----------------------------------------------------------------------


def _no_sentence_twice(reports: list[Assembled]) -> None:
    for report in reports:
        twice = [s for s, n in Counter(_sentences(report)).items() if n > 1]
        assert twice == [], twice


def test_no_sentence_appears_twice_in_the_demo_report(demo_reports: list[Assembled]) -> None:
    _no_sentence_twice(demo_reports)


def test_a_record_told_for_two_bodies_is_told_once(demo_reports: list[Assembled]) -> None:
    for report in demo_reports:
        keys = Counter(fact.key for section in report.sections for fact in section.facts)
        assert [key for key, n in keys.items() if n > 1] == []


# --- spelling -------------------------------------------------------------------------------


def test_every_sentence_of_the_demo_report_is_spelt_right(demo_reports: list[Assembled]) -> None:
    names = registry_names()
    wrong = {
        word: text
        for report in demo_reports
        for text in _texts(report)
        for word in misspelt(text, names)
    }
    assert wrong == {}


def test_the_spelling_check_knows_dutch_and_refuses_what_is_not() -> None:
    assert misspelt("In 2021 kwam de themagroep acht keer bijeen.", set()) == []
    assert misspelt("De themagroep vergaderdde digitaal.", set()) == ["vergaderdde"]
    assert misspelt("Overleg met Mutluer.", {"mutluer"}) == []


# --- an article before a body's name --------------------------------------------------------


def _bare_names(report_text: str) -> Iterator[str]:
    """Names of bodies and organisations that need an article, found after a preposition
    without one ("met Deltacommissaris", "samen met Dagelijks bestuur")."""
    for organisation in Organisation.objects.exclude(kind=OrganisationKind.MINISTRY):
        named = org_ref(organisation)
        article, _space, bare = named.partition(" ")
        if article in {"de", "het"} and re.search(
            rf"\b{PREPOSITIONS}\s+{re.escape(bare)}\b", report_text
        ):
            yield bare
    for body in Body.objects.all():
        article, _space, bare = name_of(body).partition(" ")
        if article not in {"de", "het"}:
            continue
        for form in {bare, body.name}:
            if re.search(rf"\b{PREPOSITIONS}\s+{re.escape(form)}\b", report_text):
                yield form


def test_bodies_and_organisations_are_named_with_their_article(
    demo_reports: list[Assembled],
) -> None:
    text = " ".join(_texts(demo_reports[1]))
    assert list(_bare_names(text)) == []


@pytest.mark.parametrize(
    ("name", "kind", "abbreviation", "written"),
    [
        ("Deltacommissaris", OrganisationKind.AGENCY, "", "de Deltacommissaris"),
        ("Commissie Digitale Zaken", OrganisationKind.COMMITTEE, "", "de commissie Digitale Zaken"),
        ("Vereniging van Nederlandse Gemeenten", OrganisationKind.NETWORK, "VNG", "de VNG"),
        ("Interprovinciaal Overleg", OrganisationKind.ASSOCIATION, "IPO", "het IPO"),
        (
            "Ministerie van Sociale Zaken",
            OrganisationKind.MINISTRY,
            "SZW",
            "het ministerie van SZW",
        ),
        (
            "Raad voor het Openbaar Bestuur",
            OrganisationKind.OTHER,
            "Rob",
            "de Raad voor het Openbaar Bestuur",
        ),
        ("Platform31", OrganisationKind.KNOWLEDGE, "", "Platform31"),
    ],
)
def test_an_organisation_takes_the_article_of_its_head_noun(
    name: str, kind: str, abbreviation: str, written: str
) -> None:
    assert org_ref(Organisation(name=name, kind=kind, abbreviation=abbreviation)) == written


@pytest.mark.parametrize(
    ("name", "kind", "written"),
    [
        ("Dagelijks bestuur", "board", "het dagelijks bestuur"),
        ("Themagroep Europa", "theme_group", "de themagroep Europa"),
        ("Ambtelijk kernteam Impact", "working_group", "het ambtelijk kernteam Impact"),
        (
            "Landelijke stuurgroep Retailagenda",
            "steering_group",
            "de landelijke stuurgroep Retailagenda",
        ),
        ("Algemene ledenvergadering", "other", "de algemene ledenvergadering"),
    ],
)
def test_a_body_is_named_with_its_article(db: None, name: str, kind: str, written: str) -> None:
    # The noun of a kind of body is the network's own word for it (the demo's vocabulary).
    assert name_of(Body(name=name, kind=kind)) == written


# --- a title with a person's name -----------------------------------------------------------


def test_people_appear_with_their_title_and_place(demo_reports: list[Assembled]) -> None:
    text = " ".join(_texts(demo_reports[0]))
    titled = Person.objects.exclude(title="")
    shown = [person for person in titled if person.name in text]
    assert len(shown) >= 5
    for person in shown:
        title = person.title.lower()
        plural = {"minister": "ministers"}.get(title, title)
        with_title = re.search(
            rf"({re.escape(title)} {re.escape(person.name)}|{re.escape(person.name)} \({re.escape(person.title)}"
            rf"|de {plural} [^.]*{re.escape(person.name)})",
            text,
        )
        assert with_title, f"{person.name} without the title {person.title}"
        bare = rf"\b(?:met|aan|door) {re.escape(person.name)}\b(?! \()"
        assert not re.search(bare, text), person.name


@pytest.mark.parametrize(
    ("title", "city", "written"),
    [
        ("minister", None, "minister Koolmees"),
        ("wethouder", "Zaanstad", "wethouder Koolmees van Zaanstad"),
        (
            "rijksadviseur voor de fysieke leefomgeving",
            None,
            "Koolmees (rijksadviseur voor de fysieke leefomgeving)",
        ),
        ("", "Almere", "Koolmees uit Almere"),
    ],
)
def test_a_title_goes_with_the_name(title: str, city: str | None, written: str) -> None:
    from koepel.registry.models import Municipality

    person = Person(name="Koolmees", title=title)
    place = Municipality(name=city) if city else None
    assert person_ref(person, (), place) == written


# --- an addressee named once ----------------------------------------------------------------


def _action(
    title: str, kind: str, note: str = "", addressees: list[Organisation] | None = None
) -> LobbyAction:
    action = LobbyAction.objects.create(
        title=title,
        kind=kind,
        date=dt.date(2021, 3, 1),
        date_precision="month",
        stage=Stage.SENT,
        addressee_note=note,
    )
    action.addressees.set(addressees or [])
    return action


def test_an_addressee_the_title_already_names_is_not_named_again(db: None) -> None:
    for kind in ("overig", "manifest", "bijdrage", "lobbypunten"):
        action = _action(
            "Steun voor de aanvraag van IenW bij het Nationaal Groeifonds",
            kind,
            "het Nationaal Groeifonds",
        )
        sentence = _action_sentence(action, "de themagroep", 0)
        assert sentence.count("Nationaal Groeifonds") == 1, sentence
        assert "gericht aan" not in sentence


def test_gericht_aan_never_appears_twice_in_a_sentence(demo_reports: list[Assembled]) -> None:
    for sentence in _sentences(demo_reports[1]):
        assert sentence.count("gericht aan") <= 1, sentence


def test_a_contribution_reads_as_a_verb_not_as_een_bijdrage_aan(db: None) -> None:
    for title, expected in [
        (
            "Meedenken over het Transformatiefonds",
            "dacht de themagroep mee over het Transformatiefonds",
        ),
        (
            "Inbreng voor het sensorenregister",
            "leverde de themagroep inbreng voor het sensorenregister",
        ),
        ("Bijdrage aan de uitwerking van de agenda", "droeg de themagroep bij aan de uitwerking"),
    ]:
        sentence = _action_sentence(_action(title, "bijdrage"), "de themagroep", 0)
        assert expected in sentence
        assert "een bijdrage aan" not in sentence


# --- capitals on words made from names ------------------------------------------------------


def test_words_made_from_names_keep_their_capital(demo_reports: list[Assembled]) -> None:
    assert accepts("Nederlandse") and not accepts("nederlandse")
    assert accepts("Europese") and not accepts("europese")
    text = " ".join(_texts(demo_reports[1]))
    assert not re.search(r"\b(nederlandse|europese|amsterdamse|haagse)\b", text)
    assert "Nederlandse" in text  # the demo says it, with its capital


def test_sentences_start_with_a_capital_and_end_with_a_stop(demo_reports: list[Assembled]) -> None:
    for text in _texts(demo_reports[1]):
        assert text[:1].isupper() or text[:1] == "‘", text
        assert text.rstrip()[-1] in ".!?", text


def test_lists_take_en_before_the_last_item_without_a_comma(demo_reports: list[Assembled]) -> None:
    text = " ".join(_texts(demo_reports[1]))
    assert "Amersfoort, Apeldoorn, Breda" in text and "Haarlem en Sittard-Geleen" in text
    assert ", en Sittard-Geleen" not in text
    assert dutch.join(["de G4", "de VNG", "Platform31"]) == "de G4, de VNG en Platform31"
