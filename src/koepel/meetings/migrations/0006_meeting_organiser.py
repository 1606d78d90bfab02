"""A meeting names the body that organised it.

A meeting of one body was organised by that body, so it gets it. A joint meeting already in the
database keeps no organiser: which of its bodies organised it was never recorded, and the annual
report must not claim it. Its secretary can choose one on the meeting's edit page; until then
the report tells it under the body highest in the network's tree, as it did before.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count, OuterRef, Subquery


def organiser_of_one_body(apps, schema_editor):
    db = schema_editor.connection.alias
    Meeting = apps.get_model("meetings", "Meeting")
    Through = Meeting.bodies.through
    single = (
        Meeting.objects.using(db)
        .annotate(organisers=Count("bodies"))
        .filter(organisers=1)
        .values("pk")
    )
    Meeting.objects.using(db).filter(pk__in=single).update(
        organiser_id=Subquery(
            Through.objects.using(db).filter(meeting_id=OuterRef("pk")).values("body_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0005_meeting_kind_is_a_term"),
        ("registry", "0011_membership_of_an_organisation"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="organiser",
            field=models.ForeignKey(
                blank=True,
                help_text="Of a joint meeting: which of its bodies organised it.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="organised_meetings",
                to="registry.body",
                verbose_name="organiser",
            ),
        ),
        migrations.RunPython(organiser_of_one_body, migrations.RunPython.noop),
    ]
