"""Minutes were typed as HTML; from now on they are Markdown, like every other text. Each
stored minutes is converted once, keeping every word, its headings, lists, links, emphasis
and tables (``koepel.core.markup.html_to_markdown``). Going back renders the Markdown to HTML
again."""

from typing import Any

from django.db import migrations

from koepel.core.markup import html_to_markdown, render_markdown

BATCH = 500


def _convert(apps: Any, convert: Any) -> None:
    # In batches by key, each read in full before it is written: no cursor stays open while
    # the table changes, and a large network's minutes are never all in memory at once.
    meeting_model = apps.get_model("meetings", "Meeting")
    last = 0
    while True:
        batch = list(
            meeting_model.objects.filter(pk__gt=last)
            .exclude(minutes="")
            .order_by("pk")
            .only("pk", "minutes")[:BATCH]
        )
        if not batch:
            return
        last = batch[-1].pk
        changed = []
        for meeting in batch:
            minutes = convert(meeting.minutes)
            if minutes != meeting.minutes:
                meeting.minutes = minutes
                changed.append(meeting)
        meeting_model.objects.bulk_update(changed, ["minutes"])


def minutes_to_markdown(apps: Any, schema_editor: Any) -> None:
    _convert(apps, html_to_markdown)


def minutes_to_html(apps: Any, schema_editor: Any) -> None:
    _convert(apps, lambda text: str(render_markdown(text)))


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0007_meeting_visibility_for_its_bodies"),
    ]

    operations = [
        migrations.RunPython(minutes_to_markdown, minutes_to_html, elidable=False),
    ]
