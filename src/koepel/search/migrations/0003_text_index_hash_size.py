"""SQLite: let FTS5 gather more of a large write in memory before it writes it out.

FTS5 keeps the words of the rows being written in memory and writes them out as a new segment
of its index each time they pass a limit (1 MB by default), merging segments as they pile up.
For a large write (``koepel reindex``, an import of many documents) that means writing much of
the index several times over; with a limit of 32 MB a hundred thousand sections make only a
few segments. A small write stays as small as it was: the memory is only used while writing.
PostgreSQL has nothing to change.
"""

from typing import Any

from django.db import migrations

HASH_SIZE = 32 * 1024 * 1024
DEFAULT_HASH_SIZE = 1024 * 1024


def _hash_size(size: int) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor == "sqlite":
            schema_editor.execute(
                "INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', %s)", [size]
            )

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_text_index")]

    operations = [migrations.RunPython(_hash_size(HASH_SIZE), _hash_size(DEFAULT_HASH_SIZE))]
