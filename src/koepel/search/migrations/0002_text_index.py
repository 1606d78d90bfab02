"""The engine's own text index beside the entries: each database gets its own structure."""

from typing import Any

from django.db import migrations

SQLITE = [
    # The text arrives folded and stemmed from Python; the tokenizer only splits it.
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, text, tokenize = 'unicode61 remove_diacritics 0')",
]
SQLITE_REVERSE = ["DROP TABLE search_fts"]
POSTGRESQL = [
    "ALTER TABLE search_searchentry ADD COLUMN search_vector tsvector",
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (search_vector)",
]
POSTGRESQL_REVERSE = [
    "DROP INDEX search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN search_vector",
]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"Search needs SQLite or PostgreSQL, not {vendor}.")
        for statement in statements[vendor]:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRESQL}),
            _run({"sqlite": SQLITE_REVERSE, "postgresql": POSTGRESQL_REVERSE}),
        )
    ]
