"""The text index holds each entry's access and filter terms beside its words, and on
PostgreSQL its vectors are built from the stems of the Python stemmer (``search.terms``,
``search.text.vector_text``; docs/design.md, "Search").

SQLite: the FTS5 table gets a third column, ``access``, so it is made again, and a view of
its vocabulary (``search_fts_vocab``) tells how many entries hold a word. PostgreSQL: the
column stays as it is. On both the index of every entry there is is then written again from
the entry's own row, bodies and people (``writing.rewrite_index``), so a search finds what it
found before; ``koepel reindex`` rebuilds the whole index from the records at any time.
"""

from typing import Any

from django.db import migrations

SQLITE = [
    "DROP TABLE search_fts",
    # The text arrives folded and stemmed from Python; the tokenizer only splits it.
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, text, access, tokenize = 'unicode61 remove_diacritics 0')",
    # As migration 0003 set it for the table this one replaces.
    "INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 33554432)",
    # How many entries hold each word or term, read from the index itself.
    "CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')",
]
SQLITE_REVERSE = [
    "DROP TABLE search_fts_vocab",
    "DROP TABLE search_fts",
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, text, tokenize = 'unicode61 remove_diacritics 0')",
    "INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 33554432)",
]


def _forwards(apps: Any, schema_editor: Any) -> None:
    from koepel.search import writing

    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)
    writing.rewrite_index()


def _backwards(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)
    # The old index is made by ``koepel reindex`` with the code of that time.


class Migration(migrations.Migration):
    dependencies = [("search", "0005_entry_guests")]

    operations = [migrations.RunPython(_forwards, _backwards)]
