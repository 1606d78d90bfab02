"""Panels other pages include: a body's meetings and open actions, a city's meetings.

The registry's pages stay free of imports from this app; they only load these tags.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Q

from koepel.meetings import selectors
from koepel.registry.models import Body, Municipality

register = template.Library()

# A body's page shows the latest few of what grows over the years, and links to the rest.
PANEL_SIZE = 10
# What meetings/_meeting_rows.html and meetings/_actions.html show of a row.
MEETING_ROW_FIELDS = (
    "title",
    "date",
    "date_precision",
    "start_time",
    "status",
    "kind",
    "level",
    "format",
)
ACTION_ROW_FIELDS = (
    "description",
    "meeting_id",
    "due",
    "status",
    "version",
    "meeting__date",
    "meeting__date_precision",
    "owner__name",
    "body__name",
)


@register.inclusion_tag("meetings/_body_panel.html", takes_context=True)
def body_meetings(context: dict[str, Any], body: Body) -> dict[str, Any]:
    user = context["request"].user
    # Only the columns the rows show: a meeting's description and minutes, and the rest of
    # the records of an action's meeting, owner and body, are long and not shown here.
    actions = list(selectors.open_actions(user, [body]).only(*ACTION_ROW_FIELDS)[: PANEL_SIZE + 1])
    return {
        "body": body,
        "meetings": list(
            selectors.meeting_list(user, body=body)
            .only(*MEETING_ROW_FIELDS)
            .order_by("-date", "-pk")[:PANEL_SIZE]
        ),
        # The open actions due first; one more is read only to know whether there are more.
        "actions": actions[:PANEL_SIZE],
        "more_actions": len(actions) > PANEL_SIZE,
        "request": context["request"],
    }


@register.inclusion_tag("meetings/_city_panel.html", takes_context=True)
def municipality_meetings(context: dict[str, Any], municipality: Municipality) -> dict[str, Any]:
    user = context["request"].user
    meetings = (
        selectors.visible_meetings(user)
        .filter(
            Q(bodies__participations__municipality=municipality)
            | Q(invitations__person__municipality=municipality, invitations__present=True)
        )
        .distinct()
        .order_by("-date", "-pk")[:20]
    )
    return {"meetings": list(meetings), "municipality": municipality}
