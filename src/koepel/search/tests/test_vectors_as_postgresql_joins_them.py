"""The PostgreSQL engine sends each entry's vector as one literal built in Python
(``text.weighted_vector``): it must be the vector PostgreSQL itself makes of the title's and
the text's vectors with ``setweight(title, 'A') || setweight(text, 'B')``, the rule of
docs/design.md ("Search"), whatever the texts: places that go on from the title's last
word, a word in both, a title of stop words only, and the limits of 256 places a word and of
place 16,383."""

from __future__ import annotations

import pytest
from django.db import connection

from koepel.search.text import vector_text, weighted_vector

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own vectors"),
    pytest.mark.django_db,
]

WORDS = ["gemeenten", "woningen", "bouwen", "zorg", "financiën", "wonen", "thuis", "iedereen"]


def _long(count: int, *, start: int = 0) -> str:
    return " ".join(WORDS[(start + number) % len(WORDS)] for number in range(count))


CASES = {
    "plain": ("Woningen voor iedereen", "De gemeenten bouwen woningen, woningen en zorg."),
    "no title": ("", "Financiën van de gemeenten"),
    "no text": ("Een thuis voor iedereen", ""),
    "nothing": ("", ""),
    "a title of stop words": ("de en van", "Woningen voor iedereen"),
    "a title ending in stop words": ("Woningen van de", "woningen en zorg"),
    "a word 300 times": ("woningen " * 200, "woningen " * 300),
    "a word in both, the title full": ("zorg " * 256, "zorg wonen"),
    "a long text": ("Wonen en zorg", _long(17_000)),
    "a long title": (_long(16_500), "zorg wonen thuis"),
    "a title near the last place": (_long(16_300), _long(400, start=3)),
}


@pytest.mark.parametrize(("title", "text"), CASES.values(), ids=CASES.keys())
def test_the_literal_is_the_vector_postgresql_joins(title: str, text: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(%s AS tsvector)::text, (setweight(CAST(%s AS tsvector), 'A') || "
            "setweight(CAST(%s AS tsvector), 'B'))::text",
            [weighted_vector(title, text), vector_text(title), vector_text(text)],
        )
        ours, joined = cursor.fetchone()

    assert ours == joined


def test_the_vectors_are_compressed_with_lz4_where_the_server_can() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        (available,) = cursor.fetchone()
        cursor.execute(
            "SELECT attcompression FROM pg_attribute "
            "WHERE attrelid = 'search_searchentry'::regclass AND attname = 'search_vector'"
        )
        (compression,) = cursor.fetchone()

    assert compression == ("l" if available else "")
