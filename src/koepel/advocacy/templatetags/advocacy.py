"""A body's lobby, as a panel the registry's body page includes."""

from __future__ import annotations

from typing import Any

from django import template

from koepel.advocacy import selectors
from koepel.registry.models import Body

register = template.Library()

# A body's page shows the latest few of what grows over the years, and links to the rest.
PANEL_SIZE = 10


@register.inclusion_tag("advocacy/_body_panel.html", takes_context=True)
def body_lobby(context: dict[str, Any], body: Body) -> dict[str, Any]:
    user = context["request"].user
    return {
        "body": body,
        # The ongoing dossiers first, the latest few; the lobby page lists them all.
        # The panel shows neither the bodies of a dossier nor those of an action (they are this
        # one): they are not read.
        "dossiers": list(
            selectors.dossier_list(user, body=body)
            .prefetch_related(None)
            .only("title", "slug", "status")[:PANEL_SIZE]
        ),
        "actions": list(
            selectors.action_list(user, body=body)
            .prefetch_related(None)
            .prefetch_related("addressees", "cosigners", "addressee_people")
            # The columns advocacy/_action_rows.html shows, not the text of each action.
            .only("date", "date_precision", "title", "kind", "stage", "addressee_note")
            .order_by("-date", "-pk")[:PANEL_SIZE]
        ),
    }
