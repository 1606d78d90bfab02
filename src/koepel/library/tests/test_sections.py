"""Splitting documents into sections by their headings: Markdown, plain text and a real report."""

from __future__ import annotations

import random
import sys
import tracemalloc
from collections import Counter

import pytest

from koepel.core.published_report import not_found, published_report
from koepel.library.sections import SectionDraft, join_hyphenation, split_sections
from koepel.library.tests import files

HYPHENS = "-\u00ad\u2010"


def load_report() -> str:
    """The G40 annual report 2021 as text, when there is a copy (core/published_report.py)."""
    path = published_report()
    if path is None:
        pytest.skip(not_found())
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def report() -> str:
    return load_report()


@pytest.fixture(scope="module")
def report_sections(report: str) -> list[SectionDraft]:
    return split_sections(report)


def _characters(text: str) -> Counter[str]:
    return Counter(c for c in text if not c.isspace() and c not in HYPHENS)


def _by_title(sections: list[SectionDraft], title: str) -> list[SectionDraft]:
    return [section for section in sections if section.title == title]


def _one(sections: list[SectionDraft], title: str) -> SectionDraft:
    found = _by_title(sections, title)
    assert len(found) == 1, f"{title!r} occurs {len(found)} times"
    return found[0]


# --- The real report -------------------------------------------------------------------------

SOCIAL = "Pijler ‘Sociaal’"
ECONOMY = "Pijler ‘Economie en Werk’"
PHYSICAL = "Pijler ‘Fysiek’"
OTHER_GROUPS = "Overige themagroepen"


def test_report_tree_follows_the_headings_in_the_order_the_pages_come(
    report_sections: list[SectionDraft],
) -> None:
    # The pages are partly out of order and stay so: "Thema Zorg Jeugd en Onderwijs" comes
    # before its pillar, "Thema Binnensteden" before "Pijler ‘Economie en Werk’".
    assert [(section.level, section.title) for section in report_sections] == [
        (1, "Voorwoord"),
        (1, "Thema Zorg Jeugd en Onderwijs"),
        (1, SOCIAL),
        (2, "Algemeen"),
        (3, "Lobby"),
        (2, "Thema Armoede en schulden"),
        (2, "Thema Wonen Welzijn en Zorg"),
        (2, "Thema Asiel en Vergunningen"),
        (2, "Thema Binnensteden"),
        (1, ECONOMY),
        (2, "Algemeen"),
        (2, "Thema Breed MKB"),
        (2, "Thema Sociaal Ondernemerschap/Impact Ondernemen"),
        (2, "Thema Smart Cities"),
        (2, "Thema Human Capital"),
        (2, "Thema Sterke Keten"),
        (2, "Thema Omgevingswet"),
        (1, PHYSICAL),
        (2, "Algemeen"),
        (2, "Thema Stedelijke Vernieuwing en Transformatie"),
        (2, "Thema Woningmarkt"),
        (1, OTHER_GROUPS),
        (2, "Thema Financiën"),
        (2, "Thema Duurzaamheid"),
        (2, "Thema Europa"),
        (2, "Thema Veiligheid"),
        (2, "Thema Democratische Vernieuwing"),
        (1, "Informatie over de G40-steden"),
    ]


def test_report_opens_with_the_foreword_as_a_top_level_section(
    report_sections: list[SectionDraft],
) -> None:
    first = report_sections[0]
    assert (first.level, first.title, first.trail) == (1, "Voorwoord", ("Voorwoord",))
    assert first.text


def test_report_has_the_three_pillars_at_the_top_each_opening_with_algemeen(
    report_sections: list[SectionDraft],
) -> None:
    for pillar in (SOCIAL, ECONOMY, PHYSICAL):
        assert _one(report_sections, pillar).level == 1
    general = _by_title(report_sections, "Algemeen")
    assert [section.trail for section in general] == [
        (SOCIAL, "Algemeen"),
        (ECONOMY, "Algemeen"),
        (PHYSICAL, "Algemeen"),
    ]
    assert all(section.level == 2 and section.text for section in general)


def test_report_theme_groups_sit_under_the_pillar_before_them(
    report_sections: list[SectionDraft],
) -> None:
    assert _one(report_sections, "Thema Woningmarkt").trail == (PHYSICAL, "Thema Woningmarkt")
    assert _one(report_sections, "Thema Armoede en schulden").trail == (
        SOCIAL,
        "Thema Armoede en schulden",
    )
    assert _one(report_sections, "Thema Smart Cities").trail == (ECONOMY, "Thema Smart Cities")


def test_report_lobby_is_an_inline_heading_below_the_general_part_of_the_social_pillar(
    report_sections: list[SectionDraft],
) -> None:
    lobby = _one(report_sections, "Lobby")
    assert (lobby.level, lobby.trail) == (3, (SOCIAL, "Algemeen", "Lobby"))
    assert lobby.text


def test_report_other_theme_groups_hold_finance_and_the_rest(
    report_sections: list[SectionDraft],
) -> None:
    assert _one(report_sections, OTHER_GROUPS).level == 1
    for title in (
        "Thema Financiën",
        "Thema Duurzaamheid",
        "Thema Europa",
        "Thema Veiligheid",
        "Thema Democratische Vernieuwing",
    ):
        assert _one(report_sections, title).trail == (OTHER_GROUPS, title)


def test_report_closes_with_the_information_about_the_cities_at_the_top_level(
    report_sections: list[SectionDraft],
) -> None:
    last = report_sections[-1]
    assert (last.level, last.title) == (1, "Informatie over de G40-steden")
    assert last.trail == ("Informatie over de G40-steden",)


def test_report_page_out_of_order_stays_where_it_is_without_a_wrong_parent(
    report_sections: list[SectionDraft],
) -> None:
    # Its page comes right after the foreword; it must not become part of the foreword.
    section = _one(report_sections, "Thema Zorg Jeugd en Onderwijs")
    assert section.trail == ("Thema Zorg Jeugd en Onderwijs",)


def test_report_loses_no_text(report: str, report_sections: list[SectionDraft]) -> None:
    out = "\n".join(f"{section.title}\n{section.text}" for section in report_sections)
    assert Counter(join_hyphenation(report).split()) == Counter(out.split())
    # The same, character by character, whichever way the broken words were joined.
    assert _characters(report) == _characters(out)


def test_report_words_broken_at_a_line_end_are_whole_in_the_sections(
    report: str, report_sections: list[SectionDraft]
) -> None:
    assert "gezamen-\nlijke" in report
    text = "\n".join(section.text for section in report_sections)
    assert "gezamenlijke" in text.split()
    assert "Apeldoorn" in _one(report_sections, "Thema Zorg Jeugd en Onderwijs").text
    assert "gezamen-" not in text


def test_report_sections_keep_paragraphs_and_join_the_lines_within_them(
    report_sections: list[SectionDraft],
) -> None:
    foreword = _one(report_sections, "Voorwoord").text
    paragraphs = foreword.split("\n\n")
    assert len(paragraphs) > 3
    assert all(paragraph and "\n" not in paragraph for paragraph in paragraphs)


# --- Plain text: the heading rules -----------------------------------------------------------


def test_text_without_headings_is_one_section() -> None:
    text = "Dit is een notitie zonder kopjes.\nZij loopt door op de volgende regel.\n\nEinde.\n"
    assert split_sections(text) == [
        SectionDraft(
            level=1,
            title="",
            text="Dit is een notitie zonder kopjes. Zij loopt door op de volgende regel.\n\nEinde.",
            trail=(),
        )
    ]


def test_empty_text_has_no_sections() -> None:
    assert split_sections("") == []
    assert split_sections("  \n\n \n") == []


def test_text_before_the_first_heading_is_kept_as_a_section_without_title() -> None:
    text = "Kenmerk 2022/17.\n\nInleiding\n\nDe gemeente wil weten hoe het staat.\n"
    sections = split_sections(text)
    assert [(s.level, s.title, s.text) for s in sections] == [
        (1, "", "Kenmerk 2022/17."),
        (1, "Inleiding", "De gemeente wil weten hoe het staat."),
    ]


def test_a_heading_directly_above_another_opens_a_higher_level() -> None:
    text = (
        "Deel Wonen\n\nAanleiding\n\nEr zijn te weinig woningen.\n\n"
        "Aanpak\n\nWe bouwen meer.\n\n"
        "Deel Werk\n\nAanleiding\n\nEr zijn veel vacatures.\n"
    )
    assert [(s.level, s.trail) for s in split_sections(text)] == [
        (1, ("Deel Wonen",)),
        (2, ("Deel Wonen", "Aanleiding")),
        (2, ("Deel Wonen", "Aanpak")),
        (1, ("Deel Werk",)),
        (2, ("Deel Werk", "Aanleiding")),
    ]


def test_headings_sharing_their_first_word_stay_siblings_and_a_different_one_closes_them() -> None:
    text = (
        "Groepen\n\nThema Water\n\nHet water stijgt.\n\nThema Lucht\n\nDe lucht is schoon.\n\n"
        "Thema Bodem\n\nDe bodem zakt.\n\nColofon\n\nGemaakt door het netwerk.\n"
    )
    assert [(s.level, s.title) for s in split_sections(text)] == [
        (1, "Groepen"),
        (2, "Thema Water"),
        (2, "Thema Lucht"),
        (2, "Thema Bodem"),
        (1, "Colofon"),
    ]


def test_headings_stacked_with_the_same_first_word_are_siblings_not_parent_and_child() -> None:
    text = "Thema Water\n\nThema Lucht\n\nDe lucht is schoon.\n"
    assert [(s.level, s.title, s.text) for s in split_sections(text)] == [
        (1, "Thema Water", ""),
        (1, "Thema Lucht", "De lucht is schoon."),
    ]


def test_a_short_word_above_a_paragraph_is_an_inline_heading_one_level_down() -> None:
    text = (
        "Verslag\n\nHet jaar verliep goed.\n\nLobby\nWe schreven drie brieven.\n\n"
        "Kennis\nWe hielden twee bijeenkomsten.\n"
    )
    assert [(s.level, s.trail, s.text) for s in split_sections(text)] == [
        (1, ("Verslag",), "Het jaar verliep goed."),
        (2, ("Verslag", "Lobby"), "We schreven drie brieven."),
        (2, ("Verslag", "Kennis"), "We hielden twee bijeenkomsten."),
    ]


def test_a_short_line_that_continues_a_sentence_is_not_a_heading() -> None:
    text = "Inleiding\n\nDe stad werkt samen met de\n\nProvincie Utrecht\n\nen met het Rijk.\n"
    sections = split_sections(text)
    assert [s.title for s in sections] == ["Inleiding"]
    assert "Provincie Utrecht" in sections[0].text


def test_a_line_opening_a_new_page_may_be_a_heading_after_an_unfinished_sentence() -> None:
    text = "Inleiding\n\nDe stad werkt samen met de\n Bijlage\n\nTabel met cijfers.\n"
    assert [(s.level, s.title) for s in split_sections(text)] == [
        (1, "Inleiding"),
        (1, "Bijlage"),
    ]


def test_sentences_list_items_and_page_numbers_are_not_headings() -> None:
    text = (
        "Inleiding\n\nDit is een zin.\n\nKort en af.\n\n- Eerste punt\n\n"
        "a) Tweede punt\n\n12\n\nVerder lezen?\n"
    )
    sections = split_sections(text)
    assert [s.title for s in sections] == ["Inleiding"]
    assert sections[0].text.split("\n\n") == [
        "Dit is een zin.",
        "Kort en af.",
        "- Eerste punt",
        "a) Tweede punt",
        "12",
        "Verder lezen?",
    ]


def test_numbered_headings_take_the_depth_of_their_number() -> None:
    text = "1 Inleiding\n\nWaarom dit rapport.\n\n1.1 Aanleiding\n\nDe vraag.\n\n2 Aanpak\n\nHoe.\n"
    assert [(s.level, s.title) for s in split_sections(text)] == [
        (1, "1 Inleiding"),
        (2, "1.1 Aanleiding"),
        (1, "2 Aanpak"),
    ]


def test_list_items_keep_their_own_line_within_a_paragraph() -> None:
    text = "Besluiten\n\nHet bestuur besloot:\n- de brief te sturen;\n- het plan vast te stellen.\n"
    assert split_sections(text)[0].text == (
        "Het bestuur besloot:\n- de brief te sturen;\n- het plan vast te stellen."
    )


def test_a_page_break_starts_a_new_paragraph() -> None:
    text = "Inleiding\n\nDe eerste pagina eindigt hier.\n en de volgende pagina gaat verder.\n"
    assert split_sections(text)[0].text == (
        "De eerste pagina eindigt hier.\n\nen de volgende pagina gaat verder."
    )


def test_titles_are_whitespace_normalised() -> None:
    text = "Thema  Wonen   en Zorg \n\nTekst.\n"
    assert split_sections(text)[0].title == "Thema Wonen en Zorg"


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ValueError, match="html"):
        split_sections("# Kop", fmt="html")


# --- Hyphenation -----------------------------------------------------------------------------


def test_a_word_broken_at_a_line_end_is_joined_without_its_hyphen() -> None:
    assert join_hyphenation("een gezamen-\nlijke inzet") == "een gezamenlijke inzet"
    assert join_hyphenation("de opti- \nmale vorm") == "de optimale vorm"


def test_a_hyphen_after_a_capital_or_digit_stays_in_the_joined_word() -> None:
    assert join_hyphenation("de G40-\ngemeenten") == "de G40-gemeenten"
    assert join_hyphenation("de MKB-\nondernemers") == "de MKB-ondernemers"
    assert join_hyphenation("in Noord-\nHolland") == "in Noord-Holland"


def test_a_hyphen_before_en_or_of_is_a_shared_word_part_and_stays() -> None:
    text = "de asiel-\nen integratieketen"
    assert join_hyphenation(text) == text


def test_no_join_across_a_page_break_or_a_free_standing_dash() -> None:
    assert join_hyphenation("een Uitvoerings-\n weer verder") == "een Uitvoerings-\n weer verder"
    assert join_hyphenation("partners -\nzoals deze") == "partners -\nzoals deze"


def test_a_soft_hyphen_at_a_line_end_always_disappears() -> None:
    assert join_hyphenation("Noord\u00ad\nholland") == "Noordholland"


# --- Markdown --------------------------------------------------------------------------------


def test_markdown_headings_give_titles_levels_and_trails_exactly() -> None:
    text = (
        "Vooraf een regel.\n\n"
        "# Werkwijze\n\nIntro.\n\n"
        "## Wie er zitten\n\nEen trekker\nen een secretaris.\n\n"
        "### Vervanging ###\n\nBij ziekte.\n\n"
        "## Hoe vaak\n\nVier keer.\n\n"
        "# Bijlage\n"
    )
    sections = split_sections(text, fmt="markdown")
    assert [(s.level, s.title, s.trail, s.text) for s in sections] == [
        (1, "", (), "Vooraf een regel."),
        (1, "Werkwijze", ("Werkwijze",), "Intro."),
        (2, "Wie er zitten", ("Werkwijze", "Wie er zitten"), "Een trekker en een secretaris."),
        (3, "Vervanging", ("Werkwijze", "Wie er zitten", "Vervanging"), "Bij ziekte."),
        (2, "Hoe vaak", ("Werkwijze", "Hoe vaak"), "Vier keer."),
        (1, "Bijlage", ("Bijlage",), ""),
    ]


def test_markdown_ignores_hashes_in_code_blocks_and_without_a_space() -> None:
    text = "# Voorbeeld\n\n```\n# geen kop\nregel twee\n```\n\n#hashtag is tekst\n"
    sections = split_sections(text, fmt="markdown")
    assert [s.title for s in sections] == ["Voorbeeld"]
    assert sections[0].text == "```\n# geen kop\nregel twee\n```\n\n#hashtag is tekst"


def test_markdown_joins_broken_words_but_leaves_code_alone() -> None:
    text = "# Kop\n\nEen gezamen-\nlijke aanpak.\n\n```\nnaam-\nloos\n```\n"
    assert split_sections(text, fmt="markdown")[0].text == (
        "Een gezamenlijke aanpak.\n\n```\nnaam-\nloos\n```"
    )


def test_markdown_level_jumps_keep_the_trail_of_what_is_open() -> None:
    sections = split_sections("# Een\n\n### Drie\n\ntekst\n\n## Twee\n", fmt="markdown")
    assert [(s.level, s.trail) for s in sections] == [
        (1, ("Een",)),
        (3, ("Een", "Drie")),
        (2, ("Een", "Twee")),
    ]


def test_markdown_lists_and_tables_keep_their_lines() -> None:
    text = "# Lijst\n\n- een\n- twee\n\n| a | b |\n|---|---|\n"
    assert split_sections(text, fmt="markdown")[0].text == "- een\n- twee\n\n| a | b |\n|---|---|"


@pytest.mark.parametrize(("fmt", "copies"), [("markdown", 2.5), ("text", 3.6)])
def test_splitting_holds_the_text_only_a_few_times_over(fmt: str, copies: float) -> None:
    # Reading keeps the memory of a file bounded by holding its text only a few times over at
    # once (reading.py): the text itself, and while it is split, its lines and the sections'
    # text. A curly apostrophe makes Python hold two bytes per character, as real Dutch does.
    chance = random.Random(17)  # noqa: S311 - words, not secrets
    parts = []
    for number in range(100):
        parts.append(f"## Hoofdstuk {number}: de stad’s zaken\n\n")
        parts.extend(f"{files.sentence(chance, 60)}\n\n" for _ in range(20))
    text = "".join(parts)
    tracemalloc.start()
    try:
        drafts = split_sections(text, fmt=fmt)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert drafts
    assert peak < copies * sys.getsizeof(text), peak / sys.getsizeof(text)
