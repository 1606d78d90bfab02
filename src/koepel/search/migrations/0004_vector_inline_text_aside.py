"""PostgreSQL: keep each entry's text vector in the row and its long text beside it.

A search for a common word reads the vector of every matching entry (to test the match and to
rank it). By default PostgreSQL compresses the largest values of a row that passes about 2 kB
and, when that is not enough, moves them to the table's TOAST storage; with a section's text
and vector of about 1 kB each, it often moved the vector, and every search then fetched it
from there again, piece by piece (on 100,000 sections, 160,000 page reads for a word in three
quarters of them). Now the text is the value that moves out (``EXTERNAL``: out of the row,
uncompressed, read only for the snippets of one page) and the vector stays in the row
(``MAIN``). An out-of-line text is not compressed, which costs disk space (a long document's
text about twice what it did) for not decompressing it. The setting applies to rows written
from now on: ``koepel reindex`` rewrites the existing ones. SQLite has nothing to change.
"""

from typing import Any

from django.db import migrations

TABLE = "search_searchentry"


def _storage(text: str, vector: str) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE {TABLE} ALTER COLUMN text SET STORAGE {text}, "
                f"ALTER COLUMN search_vector SET STORAGE {vector}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_text_index_hash_size")]

    operations = [
        migrations.RunPython(_storage("EXTERNAL", "MAIN"), _storage("EXTENDED", "EXTENDED"))
    ]
