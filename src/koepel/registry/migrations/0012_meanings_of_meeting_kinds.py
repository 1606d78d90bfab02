"""A kind of meeting may mean an event or a trip of its own.

The annual report used to know the G40's congress, study trip, working visit, round-table talk
and design session by their codes. It now reads it from the vocabulary. A database whose terms
came from the built-in list (0010_terms_of_an_existing_network) gets those meanings, and the
plural of the network day, for those terms the office has not given a meaning of its own, so
its report reads as before.
"""

from django.db import migrations, models

MEANINGS = {
    "congres": "event",
    "rondetafelgesprek": "event",
    "ontwerpsessie": "event",
    "studiereis": "trip",
    "werkbezoek": "trip",
}


def meanings_of_built_in_terms(apps, schema_editor):
    db = schema_editor.connection.alias
    Term = apps.get_model("registry", "Term")
    kinds = Term.objects.using(db).filter(vocabulary="meeting_kind")
    for code, meaning in MEANINGS.items():
        kinds.filter(code=code, label_nl=code, meaning="").update(meaning=meaning)
    kinds.filter(code="netwerkdag", label_nl="bestuurlijke netwerkdag", plural_nl="").update(
        plural_nl="bestuurlijke netwerkdagen"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0011_membership_of_an_organisation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="term",
            name="meaning",
            field=models.CharField(
                blank=True,
                choices=[
                    ("board", "the network's board"),
                    ("chair", "chair"),
                    ("co_chair", "co-chair"),
                    ("vice_chair", "vice-chair"),
                    ("lead", "leads the body"),
                    ("secretary", "secretary (edits the body's records)"),
                    ("member", "member"),
                    (
                        "event",
                        "event (told by its name, not counted)",
                    ),
                    ("trip", "trip (told with who went along)"),
                ],
                help_text="What Koepel must know of the term, if anything.",
                max_length=12,
                verbose_name="meaning",
            ),
        ),
        migrations.RunPython(meanings_of_built_in_terms, migrations.RunPython.noop),
    ]
