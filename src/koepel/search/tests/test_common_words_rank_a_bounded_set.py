"""A search for words in a large share of the index ranks only the entries with the words in
their title when they fill the page, and all matches when they do not; the engine's own
statistics tell how common a word is. Whichever way a page is ranked, the counts are those of
every match, and a search for a selective word is ranked as before."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from koepel.accounts.tests.factories import UserFactory
from koepel.search import engines, index, query, writing
from koepel.search.query import search

ENTRIES = 60


@pytest.fixture
def corpus(db: None) -> None:
    items = []
    for number in range(ENTRIES):
        in_title = number < 25
        title = f"Gemeenten en wonen {number}" if in_title else f"Notitie {number}"
        if number < 3:
            title += " over provincies"
        text = " ".join(
            [
                "De gemeenten spraken over de woningmarkt." * (number % 5 + 1),
                "Ook de provincies waren er.",
                "Een zeldzaamheid in dit verslag." if number % 12 == 0 else "",
            ]
        )
        key = f"library.section:{800_000 + number}"
        items.append((key, index.Entry(title=title, text=text, url=key, year=2021)))
    index.bulk_put(items)
    writing.settle()  # the statistics that say how common a word is


def _search(q: str, *, bounded: bool, **options: Any) -> tuple[Any, list[str]]:
    """A search as the office, ranked bounded when the words are common or never; and the
    statements it sent."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(query, "BOUNDED_FROM", 0)
        patch.setattr(query, "COMMON_SHARE", 0.2 if bounded else 2.0)
        with CaptureQueriesContext(connection) as sent:
            results = search(_office(), q, **options)
    return results, [statement["sql"] for statement in sent.captured_queries]


def _office() -> Any:
    return UserFactory(office=True)


def _ranked_on_titles(statements: list[str]) -> bool:
    """Whether a statement ranked the entries with the words in their title only."""
    # SQLite: the words matched in the title column; PostgreSQL: the lexemes of the title's
    # words, quoted inside the quoted tsquery.
    marker = "{title} :" if connection.vendor == "sqlite" else f"''{engines.TITLE_MARK}"
    return any(marker in statement for statement in statements)


@pytest.mark.usefixtures("corpus")
def test_a_common_word_ranks_the_title_hits_and_counts_every_match() -> None:
    bounded, sent = _search("gemeenten", bounded=True, per_page=10)
    full, sent_full = _search("gemeenten", bounded=False, per_page=10)

    assert _ranked_on_titles(sent)
    assert not _ranked_on_titles(sent_full)
    assert bounded.total == full.total == ENTRIES
    assert bounded.counts_by_kind == full.counts_by_kind == {"sectie": ENTRIES}
    assert len(bounded.hits) == 10
    assert all(hit.title.startswith("Gemeenten") for hit in bounded.hits)
    # Further pages, too, are counted over every match.
    second, _ = _search("gemeenten", bounded=True, per_page=10, page=2)
    assert second.total == ENTRIES
    assert {hit.url for hit in second.hits}.isdisjoint(hit.url for hit in bounded.hits)


@pytest.mark.usefixtures("corpus")
def test_when_the_title_hits_do_not_fill_the_page_every_match_is_ranked() -> None:
    # "provincies" is in every text but in three titles only.
    bounded, sent = _search("provincies", bounded=True, per_page=10)
    full, _ = _search("provincies", bounded=False, per_page=10)

    assert _ranked_on_titles(sent)
    assert [hit.url for hit in bounded.hits] == [hit.url for hit in full.hits]
    assert bounded.total == full.total == ENTRIES


@pytest.mark.parametrize("q", ["zeldzaamheid", '"zeldzaamheid in dit verslag"', "zeldzaam*"])
@pytest.mark.usefixtures("corpus")
def test_a_selective_word_a_phrase_and_a_prefix_are_ranked_as_before(q: str) -> None:
    bounded, sent = _search(q, bounded=True, per_page=100)
    full, _ = _search(q, bounded=False, per_page=100)

    assert not _ranked_on_titles(sent)
    assert [(hit.url, hit.score) for hit in bounded.hits] == [
        (hit.url, hit.score) for hit in full.hits
    ]
    assert bounded.counts_by_kind == full.counts_by_kind
    assert bounded.total == 5


@pytest.mark.parametrize(
    ("q", "in_titles"), [("gemeent*", True), ("wonen gemeent*", True), ("provincie*", False)]
)
@pytest.mark.usefixtures("corpus")
def test_a_common_prefix_ranks_the_title_hits_and_counts_every_match(
    q: str, in_titles: bool
) -> None:
    # The words a prefix stands for are added up to tell how common it is.
    bounded, sent = _search(q, bounded=True, per_page=10)
    full, _ = _search(q, bounded=False, per_page=10)

    assert _ranked_on_titles(sent)
    assert bounded.total == full.total == (25 if "wonen" in q else ENTRIES)
    assert bounded.counts_by_kind == full.counts_by_kind
    if in_titles:
        assert len(bounded.hits) == 10
        assert all(hit.title.startswith("Gemeenten") for hit in bounded.hits)
    else:  # in three titles: every match is ranked
        assert [hit.url for hit in bounded.hits] == [hit.url for hit in full.hits]


@pytest.mark.usefixtures("corpus")
def test_a_kind_filter_is_counted_alike_in_both_ways() -> None:
    bounded, _ = _search("gemeenten", bounded=True, kinds=["sectie"], year=2021)
    full, _ = _search("gemeenten", bounded=False, kinds=["sectie"], year=2021)

    assert bounded.total == full.total == ENTRIES
    assert bounded.counts_by_kind == full.counts_by_kind


@pytest.mark.usefixtures("corpus")
def test_a_word_in_many_entries_ranks_the_title_hits_however_small_its_share() -> None:
    # Ranking costs per match: a word in COMMON_MATCHES entries is common in a large index,
    # where it is a small share. Here no share counts as common, and 50 matches do.
    def sent_for(q: str) -> list[str]:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(query, "BOUNDED_FROM", 0)
            patch.setattr(query, "COMMON_SHARE", 2.0)
            patch.setattr(query, "COMMON_MATCHES", 50)
            with CaptureQueriesContext(connection) as sent:
                results = search(_office(), q, per_page=10)
        assert results.total == (ENTRIES if q == "gemeenten" else 5)
        return [statement["sql"] for statement in sent.captured_queries]

    assert _ranked_on_titles(sent_for("gemeenten"))  # in all 60
    assert not _ranked_on_titles(sent_for("zeldzaamheid"))  # in 5


@pytest.mark.usefixtures("corpus")
def test_words_each_in_other_titles_rank_the_title_hits_of_any() -> None:
    # Both words are in every text; "gemeenten" in 25 titles, "provincies" in three of them:
    # the three with both words in their title do not fill the page. PostgreSQL then ranks
    # the 25 with either word in their title, SQLite every match.
    bounded, sent = _search("gemeenten provincies", bounded=True, per_page=10)
    full, _ = _search("gemeenten provincies", bounded=False, per_page=10)

    assert _ranked_on_titles(sent)
    assert bounded.total == full.total == ENTRIES
    assert len(bounded.hits) == 10
    assert all(hit.title.startswith("Gemeenten") for hit in bounded.hits)
    if connection.vendor == "postgresql":
        ranked = [statement for statement in sent if "ts_rank" in statement]
        assert len(ranked) == 2, "both words in the title, then either"
        assert all(f"''{engines.TITLE_MARK}" in statement for statement in ranked)
