from django.db import migrations, models

# The statuses in the order of the lobby page, as DossierStatus lists them when this was written.
STATUSES = ("lopend", "behaald", "deels_behaald", "niet_behaald", "ingetrokken")


def fill_status_order(apps, schema_editor):
    """Give the dossiers that exist their status's place: one UPDATE per status."""
    Dossier = apps.get_model("advocacy", "Dossier")
    for n, status in enumerate(STATUSES):
        Dossier.objects.filter(status=status).update(status_order=n)
    Dossier.objects.exclude(status__in=STATUSES).update(status_order=len(STATUSES))


class Migration(migrations.Migration):
    dependencies = [
        ("advocacy", "0005_picker_order"),
    ]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="status_order",
            field=models.PositiveSmallIntegerField(db_index=True, default=0, editable=False),
        ),
        migrations.RunPython(fill_status_order, migrations.RunPython.noop, elidable=True),
    ]
