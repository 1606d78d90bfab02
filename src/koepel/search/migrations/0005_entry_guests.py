from django.db import migrations, models


def meetings_found_by_their_invitees(apps, schema_editor):
    """A meeting's entry names its invitees as its people: they are its guests too."""
    entry = apps.get_model("search", "SearchEntry")
    people = entry.people.through
    guests = entry.guests.through
    guests.objects.bulk_create(
        guests(searchentry_id=row.searchentry_id, person_id=row.person_id)
        for row in people.objects.filter(searchentry__key__startswith="meetings.meeting:")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0014_meanings_of_participation_functions"),
        ("search", "0004_vector_inline_text_aside"),
    ]

    operations = [
        migrations.AddField(
            model_name="searchentry",
            name="guests",
            field=models.ManyToManyField(
                blank=True, related_name="+", to="registry.person", verbose_name="guests"
            ),
        ),
        migrations.RunPython(meetings_found_by_their_invitees, migrations.RunPython.noop),
    ]
