"""The generated 2021 report has the tree of the published one and states its facts."""

from __future__ import annotations

import re

import pytest

from koepel.core.published_report import not_found, published_report
from koepel.library.sections import split_sections
from koepel.reports.assemble import Assembled, assemble


def _published_text() -> str:
    path = published_report()
    if path is None:
        pytest.skip(not_found())
    return path.read_text(encoding="utf-8")


def _core(title: str) -> str:
    """ "Pijler ‘Sociaal’" → "sociaal"; "Themagroep Armoede en Schulden" → "armoede en schulden"."""
    title = re.sub(r"^(pijler|thema|themagroep)\s+", "", title.strip(), flags=re.IGNORECASE)
    title = re.sub(r"[‘’'\",]", "", title).lower()
    return title.replace("vergunninghouders en asiel", "asiel en vergunningen").strip()


@pytest.fixture
def report(shared_demo: None) -> Assembled:
    return assemble(2021, "public")


def _section(report: Assembled, title: str) -> str:
    found = [s for s in report.sections if _core(s.title) == _core(title)]
    assert found, title
    return " ".join(fact.text for fact in found[0].facts)


def _algemeen(report: Assembled, pillar: str) -> str:
    index = next(i for i, s in enumerate(report.sections) if _core(s.title) == _core(pillar))
    following = report.sections[index + 1]
    assert following.title == "Algemeen"
    return " ".join(fact.text for fact in following.facts)


def test_the_pillars_come_in_the_published_order_with_their_theme_groups(report: Assembled) -> None:
    top = [s.title for s in report.sections if s.level == 1]
    assert top[0] == "Voorwoord"
    assert [_core(t) for t in top[1:4]] == ["sociaal", "economie en werk", "fysiek"]
    assert top[4] == "Overige themagroepen"
    assert top[-1].startswith("Over ")


def test_every_theme_of_the_published_report_has_its_section(report: Assembled) -> None:
    published = {
        _core(s.title)
        for s in split_sections(_published_text())
        if s.title.lower().startswith("thema ")
    }
    generated = {_core(s.title) for s in report.sections if s.level == 2}
    assert published - generated == set()


def test_the_published_other_theme_groups_sit_under_overige_themagroepen(report: Assembled) -> None:
    published = split_sections(_published_text())
    under_overige = {
        _core(s.title)
        for s in published
        if len(s.trail) == 2 and s.trail[0] == "Overige themagroepen"
    }
    index = next(i for i, s in enumerate(report.sections) if s.title == "Overige themagroepen")
    generated = set()
    for section in report.sections[index + 1 :]:
        if section.level == 1:
            break
        generated.add(_core(section.title))
    assert under_overige == generated


@pytest.mark.parametrize(
    ("where", "expected"),
    [
        (
            ("algemeen", "Pijler Sociaal"),
            [
                "drie keer bijeen",
                "André Krouwel",
                "Han Polman",
                "Rien Franje",
                "Marije van den Berg",
            ],
        ),
        (
            ("section", "Sterke Keten"),
            ["het bestuurlijk overleg van de themagroep acht keer bijeen, alle keren digitaal"],
        ),
        (
            ("section", "Sociaal Ondernemerschap/Impact Ondernemen"),
            [
                "acht gemeenten samen: Amersfoort, Apeldoorn, Breda, Delft, Emmen, Groningen, "
                "Haarlem en Sittard-Geleen",
                "vier keer bijeen, alle keren digitaal",
            ],
        ),
        (
            ("algemeen", "Pijler Fysiek"),
            ["Per september 2021 volgde Maaike Veeningen Harriët Tiemens op als voorzitter"],
        ),
        (
            ("algemeen", "Pijler Economie en Werk"),
            [
                "ambtelijk overleg van de pijler zes keer bijeen, alle keren digitaal",
                "bestuurlijk overleg van de pijler drie keer",
            ],
        ),
        (("section", "Veiligheid"), ["drie keer bijeen, alle keren digitaal"]),
        (("section", "Democratische Vernieuwing"), ["Op 14 juni 2021"]),
    ],
)
def test_the_generated_facts_agree_with_the_published_report(
    report: Assembled, where: tuple[str, str], expected: list[str]
) -> None:
    kind, title = where
    text = _algemeen(report, title) if kind == "algemeen" else _section(report, title)
    for phrase in expected:
        assert phrase in text


def test_the_closing_section_names_the_forty_cities_honestly_about_population(
    report: Assembled,
) -> None:
    closing = " ".join(fact.text for fact in report.sections[-1].facts)
    assert "een netwerk van 40 gemeenten" in closing
    assert "Van 33 van hen is het aantal inwoners op 1 januari 2021 bekend" in closing
    assert "Alkmaar, Almelo, Almere" in closing and "Zoetermeer en Zwolle." in closing
    assert "Platform31" in closing and "VNG" in closing


def test_every_fact_links_to_the_records_it_came_from(report: Assembled) -> None:
    linked = [fact for section in report.sections for fact in section.facts if fact.links]
    assert linked
    assert all(url.startswith("http") for fact in linked for _, url in fact.links)
