"""The PostgreSQL engine's vectors and queries are stemmed in Python, with the stemmer the
SQLite engine uses (docs/design.md, "Search"). That stemmer must give what PostgreSQL's own
Snowball Dutch dictionary (``dutch_stem``, of its ``dutch`` configuration) gives, for every
word of the demo network, and leave out the same stop words, so that moving from one engine
to the other, or from PostgreSQL's stemming to Koepel's, changes no search."""

from __future__ import annotations

import pytest
from django.db import connection

from koepel.search.models import SearchEntry
from koepel.search.text import MAX_WORD_LENGTH, STOP_WORDS, index_form, words

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="compares with PostgreSQL's own dictionary"
)


def _server_forms(found: list[str]) -> dict[str, str]:
    """Each word as ``dutch_stem`` gives it: its stem, or "" for a stop word."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word, ts_lexize('dutch_stem', word) FROM unnest(%s::text[]) AS w(word)",
            [found],
        )
        return {word: (lexemes[0] if lexemes else "") for word, lexemes in cursor.fetchall()}


@pytest.mark.usefixtures("demo")
def test_every_word_of_the_demo_is_stemmed_as_postgresql_stems_it() -> None:
    vocabulary: set[str] = set()
    for title, text in SearchEntry.objects.values_list("title", "text").iterator():
        vocabulary.update(words(title))
        vocabulary.update(words(text))
    assert len(vocabulary) > 1000  # the demo network's words, not a handful

    vocabulary = {word for word in vocabulary if len(word) <= MAX_WORD_LENGTH}
    server = _server_forms(sorted(vocabulary))
    differing = {word: (index_form(word), server[word]) for word in sorted(vocabulary)}
    differing = {word: pair for word, pair in differing.items() if pair[0] != pair[1]}

    assert differing == {}


@pytest.mark.django_db
def test_the_stop_words_are_those_of_postgresql() -> None:
    server = _server_forms(sorted(STOP_WORDS))

    assert {word for word, form in server.items() if form} == set()
    # And a word just outside the list is stemmed, not left out.
    assert _server_forms(["gemeenten"]) == {"gemeenten": "gemeent"}
