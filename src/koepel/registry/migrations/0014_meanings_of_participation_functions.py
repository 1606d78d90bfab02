"""A function in a participation may mean a plain participant, the chair or the lead.

The annual report used to know the G40's participant, chair and lead of a body's work by their
codes. It now reads it from the vocabulary. A database whose terms came from the built-in list
(0010_terms_of_an_existing_network) gets those meanings, for the terms the office has not given a
meaning of its own, so its report reads as before.
"""

from django.db import migrations

MEANINGS = {
    "deelnemer": "member",
    "voorzitter": "chair",
    "trekker": "lead",
}


def meanings_of_built_in_terms(apps, schema_editor):
    db = schema_editor.connection.alias
    Term = apps.get_model("registry", "Term")
    functions = Term.objects.using(db).filter(vocabulary="participation_function")
    for code, meaning in MEANINGS.items():
        functions.filter(code=code, label_nl=code, meaning="").update(meaning=meaning)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0013_picker_order"),
    ]

    operations = [
        migrations.RunPython(meanings_of_built_in_terms, migrations.RunPython.noop),
    ]
