"""PostgreSQL: each entry's vector holds the words of its title once more, as lexemes marked
``^`` (``engines.TITLE_MARK``), so that a search for a common word finds the entries with it
in their title in the index, instead of reading the weights in the vector of every match
(docs/design.md, "Search"). The vectors of every entry there is are written again from the
entry's own row (``writing.rewrite_index``). SQLite's index tells title from text by its
columns and stays as it is.
"""

from typing import Any

from django.db import migrations


def _rewrite(apps: Any, schema_editor: Any) -> None:
    from koepel.search import writing

    if schema_editor.connection.vendor == "postgresql":
        writing.rewrite_index()


class Migration(migrations.Migration):
    dependencies = [("search", "0007_vectors_compressed_with_lz4")]

    # Going back, the marked lexemes stay in the vectors: the code of that time matches none
    # of them, and ``koepel reindex`` writes its own.
    operations = [migrations.RunPython(_rewrite, migrations.RunPython.noop)]
