"""How meetings go into the search index (registered in ``apps.py``): title, topics, agenda
and minutes, with the visibility, bodies and invited people of the meeting."""

from __future__ import annotations

from django.db.models import QuerySet

from koepel.core.markup import render_markdown
from koepel.meetings.models import AgendaItem, Invitation, Meeting
from koepel.registry.models import Body
from koepel.registry.trails import bodies_trail
from koepel.search import index
from koepel.search.text import html_to_text


def meeting_entry(meeting: Meeting) -> index.Entry:
    bodies = index.prefetched(meeting, "bodies")
    parts = [
        index.display(meeting, "kind"),
        meeting.location,
        meeting.hubs,
        meeting.description,
        *(item.title for item in index.prefetched(meeting, "agenda_items")),
        html_to_text(render_markdown(meeting.minutes)),
    ]
    invited = tuple(
        invitation.person_id
        for invitation in index.prefetched(meeting, "invitations")
        if invitation.person_id is not None  # a guest from outside has no account
    )
    return index.Entry(
        title=meeting.title,
        text="\n".join(part for part in parts if part),
        url=meeting.get_absolute_url(),
        visibility=meeting.visibility,
        bodies=tuple(body.pk for body in bodies),
        people=invited,
        # Whoever is invited finds the meeting, as they may open it (accounts.paths).
        guests=invited,
        trail=bodies_trail(bodies),
        year=meeting.date.year,
    )


def meetings() -> QuerySet[Meeting]:
    return Meeting.objects.prefetch_related(
        index.prefetch("bodies", Body.objects.select_related("parent__parent__parent")),
        index.prefetch("agenda_items", AgendaItem.objects.only("meeting", "title")),
        index.prefetch("invitations", Invitation.objects.only("meeting", "person")),
    )
