from django.db import migrations, models
from django.db.models import Exists, OuterRef


def read_again_what_was_never_read(apps, schema_editor):
    """A version marked done with no text, or the latest of a document that has no sections,
    was left half read (its reader stopped between two steps): let the task worker read it
    again, rather than call it done with nothing in it."""
    DocumentFile = apps.get_model("library", "DocumentFile")
    Section = apps.get_model("library", "Section")
    newer = DocumentFile.objects.filter(
        document=OuterRef("document"), number__gt=OuterRef("number")
    )
    sections = Section.objects.filter(document=OuterRef("document"))
    done = DocumentFile.objects.filter(extraction="klaar")
    done.filter(text="").update(extraction="wachtend")
    done.filter(~Exists(newer), ~Exists(sections)).update(extraction="wachtend")


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0003_document_order_has_a_tiebreak"),
    ]

    operations = [
        migrations.AddField(
            model_name="documentfile",
            name="reading_interruptions",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="documentfile",
            name="reader",
            field=models.CharField(blank=True, editable=False, max_length=32),
        ),
        migrations.AddField(
            model_name="documentfile",
            name="reading_until",
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AlterField(
            model_name="documentfile",
            name="extraction",
            field=models.CharField(
                choices=[
                    ("wachtend", "waiting"),
                    ("bezig", "being read"),
                    ("klaar", "done"),
                    ("mislukt", "could not be read"),
                ],
                default="wachtend",
                max_length=8,
                verbose_name="reading",
            ),
        ),
        migrations.AlterField(
            model_name="documentfile",
            name="extraction_error",
            field=models.CharField(
                blank=True, max_length=300, verbose_name="why it could not be read"
            ),
        ),
        migrations.AddIndex(
            model_name="documentfile",
            index=models.Index(fields=["extraction"], name="documentfile_reading"),
        ),
        migrations.RunPython(read_again_what_was_never_read, migrations.RunPython.noop),
    ]
