"""The generated 2021 report of the demo: the tree of the published one, its facts told as
prose, and nothing the records do not hold.

``PUBLISHED`` is a table, in our own words, of the facts of the G40's published report over 2021
that the demo records; each row names the section of the generated report and the words in
which that report states the fact. The tests of the tree against the published text itself run
when a copy is at hand (docs/operations.md).
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.core.published_report import not_found, published_report
from koepel.library.models import Document
from koepel.library.sections import split_sections
from koepel.registry.models import Body, Role
from koepel.reports.assemble import Assembled, ShownSection, assemble
from koepel.reports.renderers import renderers


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


def _find(report: Assembled, where: str) -> ShownSection:
    """A section by its title's core; "Algemeen Fysiek" is the Algemeen section of that pillar."""
    if where.startswith("Algemeen "):
        index = next(i for i, s in enumerate(report.sections) if _core(s.title) == _core(where[9:]))
        section = report.sections[index + 1]
        assert section.title == "Algemeen"
        return section
    found = [s for s in report.sections if _core(s.title) == _core(where)]
    assert found, where
    return found[0]


def _text(section: ShownSection) -> str:
    return " ".join(fact.text for fact in section.facts)


# What the published report of 2021 says, in our words; where the generated report says it;
# and the words it says it in.
PUBLISHED: list[tuple[str, str, list[str]]] = [
    ("The network's chair leads its board.", "Dagelijks bestuur", ["was Paul Depla"]),
    (
        "The board offered the network's core messages on the relations between state and "
        "cities to the lower house.",
        "Dagelijks bestuur",
        ["de kernboodschappen G40 tot de Tweede Kamer"],
    ),
    (
        "The social pillar held three administrative network days, online.",
        "Algemeen Sociaal",
        ["kwam de pijler Sociaal", "drie keer bijeen, alle keren digitaal"],
    ),
    (
        "In March it spoke about the elections with André Krouwel (VU, Kieskompas).",
        "Algemeen Sociaal",
        ["In maart 2021", "André Krouwel van Kieskompas en de VU Amsterdam"],
    ),
    (
        "In May with Han Polman and Rien Franje of the Council for Public Administration.",
        "Algemeen Sociaal",
        ["In mei 2021", "Han Polman en Rien Franje van de Raad voor het Openbaar Bestuur"],
    ),
    (
        "In September with Marije van den Berg of Democratie in Uitvoering.",
        "Algemeen Sociaal",
        ["In september 2021", "Marije van den Berg van Democratie in Uitvoering"],
    ),
    (
        "The pillar helped write the proposition on the gains of the social domain.",
        "Algemeen Sociaal",
        ["de propositie ‘De winst van het sociaal domein’"],
    ),
    (
        "It wrote to ministers Slob and Van Engelshoven about education.",
        "Algemeen Sociaal",
        ["een brief over onderwijs", "aan de ministers Van Engelshoven en Slob"],
    ),
    (
        "It wrote to SZW and OCW about the education route of the civic integration act.",
        "Algemeen Sociaal",
        ["onderwijsroute", "aan de ministeries van OCW en SZW"],
    ),
    (
        "With the G4 and the VNG it won care for lone minor asylum seekers up to 21, with "
        "money for 2021 only.",
        "Algemeen Sociaal",
        ["samen met de G4 en de VNG", "tot 21 jaar’ is behaald", "incidenteel voor 2021"],
    ),
    (
        "The book on how the social domain works came out in September.",
        "Algemeen Sociaal",
        ["‘Zó werkt het Sociaal Domein’ verscheen (september 2021)"],
    ),
    (
        "The work agenda on integration in the labour market was adopted on 13 December.",
        "Algemeen Sociaal",
        ["Verdere Integratie op de Arbeidsmarkt (VIA) is vastgesteld (13 december 2021)"],
    ),
    (
        "Marleen Damen sat in the taskforce on housing and care for the theme group.",
        "Wonen, Welzijn en Zorg",
        ["Marleen Damen had zitting in de taskforce Wonen en Zorg"],
    ),
    (
        "Platform31's innovation programme, commissioned with the theme group, ended.",
        "Wonen, Welzijn en Zorg",
        ["‘Langer thuis in de inclusieve wijk’ van Platform31 werd afgerond"],
    ),
    (
        "The joint meeting on the Ter Haar advice, organised by the housing market group, with "
        "the mayor of Heerlen and an alderman of Zaanstad.",
        "Woningmarkt",
        ["Bernard ter Haar", "wethouder Mutluer van Zaanstad", "burgemeester Wever van Heerlen"],
    ),
    (
        "The final report 'Wind tegen tij' came out on 1 November.",
        "Asiel en Vergunningen",
        ["‘Wind tegen tij’ verscheen (1 november 2021)"],
    ),
    (
        "Sterke Keten's administrators met eight times online, its officials eight times.",
        "Sterke Keten",
        [
            "kwam het bestuurlijk overleg van de themagroep Sterke Keten",
            "kwam het ambtelijk overleg van de themagroep Sterke Keten",
            "acht keer bijeen, alle keren digitaal",
        ],
    ),
    (
        "It spoke with Tof Thissen (UWV) in March and December, with minister Koolmees at "
        "breakfast, and met with the SER network in April.",
        "Sterke Keten",
        [
            "Tof Thissen van het UWV",
            "in een ontbijtsessie met minister Koolmees",
            "samen met het SER netwerk regionale projecten Leven Lang Ontwikkelen",
        ],
    ),
    (
        "Sterke Keten and Armoede en Schulden met together in May.",
        "Armoede en Schulden",
        ["samen met de themagroep Sterke Keten de sessie over de Participatiewet"],
    ),
    (
        "The economy pillar's officials met six times online, its administrators three times; "
        "Pieter Meekels chairs it.",
        "Algemeen Economie en Werk",
        [
            "kwam het ambtelijk overleg van de pijler Economie en Werk",
            "zes keer bijeen, alle keren digitaal",
            "drie keer bijeen, alle keren digitaal",
            "Voorzitter van de pijler was Pieter Meekels",
        ],
    ),
    (
        "The VNG taskforce on recovery, led by Boaz Adank of Breda: eight of its thirteen "
        "administrators from the network, with the IPO, EZK and BZK.",
        "Algemeen Economie en Werk",
        [
            "Bestuurlijk trekker van de taskforce Economisch herstel en transitie van de VNG was "
            "Boaz Adank uit Breda",
            "Pieter Meekels, Monique Esselbrugge, Mariska ten Heuw en René de Heer",
            "Acht van de dertien leden",
            "het IPO en de ministeries van BZK en EZK",
        ],
    ),
    (
        "M50 and P10 joined the officials' meeting of the pillar.",
        "Algemeen Economie en Werk",
        ["samen met de M50 en de P10"],
    ),
    (
        "Monique Esselbrugge leads the inner cities group; the network helped shape a "
        "transformation fund.",
        "Binnensteden",
        ["Bestuurlijk trekker van de themagroep was Monique Esselbrugge", "Transformatiefonds"],
    ),
    (
        "She sits in the national retail steering group with EZK (told with the pillar, whose "
        "dossier names it too).",
        "Algemeen Economie en Werk",
        [
            "Monique Esselbrugge had zitting in de landelijke stuurgroep Retailagenda",
            "ook het ministerie van EZK mee",
        ],
    ),
    (
        "René de Heer leads the human capital theme with three others.",
        "Human Capital",
        ["Thematrekker van de themagroep was René de Heer", "Friso Douwstra en Carine Bloemhoff"],
    ),
    (
        "Eight cities in the city deal on impact enterprise; Apeldoorn chairs, first Maarten "
        "van Vierssen, later Jeroen Joon; its core team met four times online.",
        "Sociaal Ondernemerschap/Impact Ondernemen",
        [
            "acht gemeenten samen: Amersfoort, Apeldoorn, Breda, Delft, Emmen, Groningen, "
            "Haarlem en Sittard-Geleen",
            "volgde Jeroen Joon uit Apeldoorn Maarten van Vierssen uit Apeldoorn op",
            "vier keer bijeen, alle keren digitaal",
        ],
    ),
    (
        "On 13 October the network held the Building Back Better congress with Social "
        "Enterprise NL, hybrid.",
        "Sociaal Ondernemerschap/Impact Ondernemen",
        [
            "Op 13 oktober 2021 organiseerde",
            "‘Building Back Better’ (hybride",
            "Social Enterprise NL",
        ],
    ),
    (
        "Wim Willems chairs the city deal's steering group and sits in the sensor register's; "
        "the position paper went to the committee on digital affairs in September.",
        "Smart Cities",
        [
            "Voorzitter van de stuurgroep City Deal ‘Een slimme stad zo doe je dat’ was Wim Willems",
            "stuurgroep sensorenregister",
            "In september 2021",
            "‘Slimme duurzame verstedelijking’ aan de commissie Digitale Zaken",
            "Nationaal Groeifonds",
        ],
    ),
    (
        "From September Maaike Veeningen of Almere, vice-chair, succeeded Harriët Tiemens as "
        "chair of the physical pillar.",
        "Algemeen Fysiek",
        ["Per september 2021 volgde vicevoorzitter Maaike Veeningen uit Almere Harriët Tiemens"],
    ),
    (
        "The pillar spoke with government adviser Wouter Veldhuis and with the PBL, and went "
        "to Groningen.",
        "Algemeen Fysiek",
        [
            "Wouter Veldhuis (rijksadviseur voor de fysieke leefomgeving)",
            "met het PBL",
            "studiereis naar Groningen",
        ],
    ),
    (
        "The pillar signed the housing action agenda with Aedes.",
        "Algemeen Fysiek",
        ["ondertekende de pijler de Actieagenda Wonen, samen met Aedes"],
    ),
    (
        "With the VNG the network pressed for a workable date for the environment act: "
        "1 January 2023; part of the money came.",
        "Omgevingswet",
        ["samen met de VNG", "1 januari 2023", "is deels behaald"],
    ),
    (
        "The urban transformation programme runs two years longer.",
        "Stedelijke Vernieuwing en Transformatie",
        ["twee jaar langer"],
    ),
    (
        "New figures for the municipal fund in February, July and August; extra money for "
        "youth care.",
        "Financiën",
        ["(februari 2021)", "(juli 2021)", "(augustus 2021)", "‘Extra geld voor de jeugdzorg’"],
    ),
    (
        "Knowledge meetings with the Delta Commissioner and Sven Ringelberg; the heat call with "
        "the G4; the heat bill off the table.",
        "Duurzaamheid",
        [
            "met de Deltacommissaris",
            "Sven Ringelberg",
            "samen met de G4",
            "‘Een warmtewet met genoeg sturing voor gemeenten’ is behaald",
        ],
    ),
    (
        "Europa backed the manifesto to Mark Rutte and Stef Blok, did not get a say in the "
        "recovery fund, and the Ljubljana agreement was adopted on 26 November.",
        "Europa",
        [
            "‘Beste Mark en Beste Stef’, gericht aan premier Mark Rutte en minister Stef Blok",
            "is niet behaald",
            "Ljubljana-akkoord",
            "(26 november 2021)",
        ],
    ),
    (
        "The mayors met three times online about safety.",
        "Veiligheid",
        ["kwam de themagroep Veiligheid", "drie keer bijeen, alle keren digitaal"],
    ),
    (
        "On 14 June the design session on governance, with the Council of State.",
        "Democratische Vernieuwing",
        ["Op 14 juni 2021", "ontwerpsessie ‘Bestuur met maatschappelijke maat’", "Raad van State"],
    ),
    (
        "Forty member cities; partners VNG, G4, M50, P10 and Platform31.",
        "Over Stedennetwerk G40",
        [
            "De G40 is een netwerk van 40 gemeenten.",
            "Alkmaar, Almelo, Almere",
            "Zoetermeer en Zwolle.",
            "de G4, de M50, de P10, Platform31 en de VNG",
        ],
    ),
]


@pytest.mark.parametrize(("fact", "where", "words"), PUBLISHED, ids=[p[0][:50] for p in PUBLISHED])
def test_the_generated_report_states_the_published_facts_the_demo_records(
    report: Assembled, fact: str, where: str, words: list[str]
) -> None:
    text = _text(_find(report, where))
    for phrase in words:
        assert phrase in text, f"{fact}\nnot stated: {phrase}\nin: {text}"


def test_the_tree_follows_the_network_with_the_board_first(report: Assembled) -> None:
    top = [s.title for s in report.sections if s.level == 1]
    assert top[0] == "Voorwoord"
    assert top[1] == "Dagelijks bestuur"
    assert [_core(t) for t in top[2:5]] == ["sociaal", "economie en werk", "fysiek"]
    assert top[5] == "Overige themagroepen"
    assert top[-1] == "Over Stedennetwerk G40"


def test_the_body_sections_are_prose_in_paragraphs_not_lists(report: Assembled) -> None:
    html = renderers()["html"].render(report).decode()
    page = BeautifulSoup(html, "html.parser")
    assert not page.select("main ul"), "a list of facts in the body text"
    paragraphs = page.select("main p.prose")
    assert len(paragraphs) > 40
    sterke_keten = _find(report, "Sterke Keten")
    assert len(sterke_keten.paragraphs) >= 2  # what it is; how it met
    assert all(len(p) > 1 for p in sterke_keten.paragraphs[1:])


def test_the_foreword_has_a_draft_of_the_highlights(report: Assembled) -> None:
    foreword = _text(report.sections[0])
    assert "In 2021 behaalde de G40 de lobbydossiers" in foreword
    assert "‘Een warmtewet met genoeg sturing voor gemeenten’" in foreword
    assert "Over 2021 zijn 50 bijeenkomsten" in foreword
    assert "mijlpalen" in foreword


def test_the_closing_says_honestly_which_population_figures_are_missing(report: Assembled) -> None:
    closing = _text(report.sections[-1])
    assert "Van 33 van hen is het aantal inwoners op 1 januari 2021 vastgelegd" in closing
    assert "Dordrecht, Ede, Groningen" in closing and "Sittard-Geleen ontbreekt" in closing
    assert "Voor 2022 staan al" in closing  # the look ahead


def test_counts_say_ten_minste_unless_the_year_is_marked_complete(report: Assembled) -> None:
    # The demo marks the bodies whose meetings the published report counts in full.
    assert "kwam de themagroep Veiligheid drie keer bijeen" in _text(_find(report, "Veiligheid"))
    for where in ("Armoede en Schulden", "Duurzaamheid", "Asiel en Vergunningen"):
        assert "ten minste één keer" in _text(_find(report, where)) or "ten minste" in _text(
            _find(report, where)
        )
    # Europa did not meet at the administrative level: no meeting is counted for it.
    assert "bijeen" not in _text(_find(report, "Europa"))


def test_a_joint_meeting_is_told_once_in_full_under_its_organiser_and_referred_to_elsewhere(
    report: Assembled,
) -> None:
    # The published report tells the meeting on 'Een thuis voor iedereen' as organised by the
    # housing market group, and the meeting on the energy strategies by the environment act
    # group; the demo records them so.
    for guest, organiser, others in (
        (
            "burgemeester Wever van Heerlen",
            "Woningmarkt",
            ("Asiel en Vergunningen", "Stedelijke Vernieuwing en Transformatie"),
        ),
        ("", "Omgevingswet", ("Duurzaamheid",)),
    ):
        if guest:
            told = [s for s in report.sections if guest in _text(s)]
            assert [s.title for s in told] == [f"Themagroep {organiser}"]
        for where in others:
            text = _text(_find(report, where))
            assert f"die de themagroep {organiser} organiseerde" in text, text
    assert (
        "In 2021 nam de themagroep Wonen, Welzijn en Zorg deel aan de bijeenkomst over ‘Een "
        "thuis voor iedereen’, die de themagroep Woningmarkt organiseerde."
        in _text(_find(report, "Wonen, Welzijn en Zorg"))
    )


def test_no_example_document_is_told_as_a_fact(report: Assembled) -> None:
    examples = list(Document.objects.filter(title__startswith="Voorbeeld"))
    assert examples and all(document.date is None for document in examples)
    text = " ".join(fact.text for section in report.sections for fact in section.facts)
    internal = assemble(2021, "network")
    text += " ".join(fact.text for section in internal.sections for fact in section.facts)
    for document in examples:
        assert document.title not in text


def test_one_chair_at_a_time_where_the_source_gives_the_order(shared_demo: None) -> None:
    deal = Body.objects.get(slug="city-deal-impact-ondernemen")
    current = Role.objects.current().filter(body=deal, function="voorzitter")
    assert [role.person.name for role in current if role.person] == ["Jeroen Joon"]


def test_office_notes_stay_off_the_public_pages_and_the_api(
    shared_demo: None, client: Client
) -> None:
    note = "staat niet in het jaarverslag"
    role = Role.objects.get(
        person__slug="mariska-ten-heuw", body__slug="taskforce-economisch-herstel"
    )
    assert note in role.note and note not in role.function_detail
    for url in (
        reverse("registry:body", args=["taskforce-economisch-herstel"]),
        reverse("registry:person", args=["mariska-ten-heuw"]),
        "/api/v1/gremia/taskforce-economisch-herstel",
        "/api/v1/personen/mariska-ten-heuw",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert note not in response.content.decode(), url


def test_every_sentence_keeps_its_link_to_the_records(report: Assembled) -> None:
    for section in report.sections:
        for fact in section.facts:
            if fact.key.split(":")[0] in {"foreword", "network"}:
                continue  # sums of the year, and the network itself
            if fact.key.startswith("milestone:") and not fact.links:
                continue  # a milestone of no dossier has no page to link to
            assert fact.links, fact.key
            assert all(url.startswith("http") for _, url in fact.links)


# --- against the published text itself, when a copy is at hand -----------------------------


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


def test_no_sentence_of_the_published_report_is_copied(report: Assembled) -> None:
    published = re.sub(r"\s+", " ", _published_text())
    sentences = [
        s for f in (f for sec in report.sections for f in sec.facts) for s in _sentences(f.text)
    ]
    copied = [s for s in sentences if len(s.split()) > 8 and s in published]
    assert copied == []


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z‘])", text) if s]
