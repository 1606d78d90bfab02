"""How the lobby goes into the search index (registered in ``apps.py``): dossiers (title,
goal, evidence), lobby actions (title, summary, to whom) and milestones, each with its
visibility, bodies and people."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse

from koepel.accounts.access import open_to_all
from koepel.advocacy.models import Dossier, LobbyAction, Milestone
from koepel.registry.models import Body, Person
from koepel.registry.trails import bodies_trail
from koepel.search import index


def dossier_entry(dossier: Dossier) -> index.Entry:
    bodies = index.prefetched(dossier, "bodies")
    return index.Entry(
        title=dossier.title,
        text="\n".join(part for part in [dossier.goal, dossier.evidence] if part),
        url=dossier.get_absolute_url(),
        visibility=dossier.visibility,
        bodies=tuple(body.pk for body in bodies),
        people=tuple(person.pk for person in index.prefetched(dossier, "people")),
        trail=bodies_trail(bodies),
        year=dossier.status_date.year if dossier.status_date else None,
    )


def action_entry(action: LobbyAction) -> index.Entry:
    bodies = index.prefetched(action, "bodies")
    addressees = [str(organisation) for organisation in index.prefetched(action, "addressees")]
    # The trail names the action's dossiers only where everyone may see them.
    dossiers = [d.title for d in index.prefetched(action, "dossiers") if open_to_all(d)]
    parts = [index.display(action, "kind"), *addressees, action.addressee_note, action.summary]
    return index.Entry(
        title=action.title,
        text="\n".join(part for part in parts if part),
        url=action.get_absolute_url(),
        visibility=action.visibility,
        bodies=tuple(body.pk for body in bodies),
        people=tuple(person.pk for person in index.prefetched(action, "people")),
        trail=", ".join(sorted(dossiers)) or bodies_trail(bodies),
        year=action.date.year,
    )


def milestone_entry(milestone: Milestone) -> index.Entry:
    bodies = index.prefetched(milestone, "bodies")
    return index.Entry(
        title=milestone.title,
        text=milestone.description,
        url=_milestone_url(milestone),
        visibility=milestone.visibility,
        bodies=tuple(body.pk for body in bodies),
        trail=bodies_trail(bodies),
        year=milestone.date.year,
    )


def _milestone_url(milestone: Milestone) -> str:
    # A milestone has no page of its own; it is shown in the lobby timeline of its year.
    return reverse("advocacy:timeline", args=[milestone.date.year])


def _bodies() -> Prefetch[Any, Any, Any]:
    return index.prefetch("bodies", Body.objects.select_related("parent__parent__parent"))


def _people() -> Prefetch[Any, Any, Any]:
    return index.prefetch("people", Person.objects.only("pk"))


def dossiers() -> QuerySet[Dossier]:
    return Dossier.objects.prefetch_related(_bodies(), _people())


def actions() -> QuerySet[LobbyAction]:
    return LobbyAction.objects.prefetch_related(
        _bodies(),
        _people(),
        index.prefetch("addressees"),
        index.prefetch("dossiers", Dossier.objects.only("title", "visibility")),
    )


def milestones() -> QuerySet[Milestone]:
    return Milestone.objects.prefetch_related(_bodies())
