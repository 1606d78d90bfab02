"""Reads of the lobby record, through the one visibility check."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from koepel.accounts.access import bodies_seen, visible, visible_bodies
from koepel.advocacy.models import (
    Consultation,
    ConsultationReminder,
    ConsultationResponse,
    Dossier,
    DossierStatus,
    LobbyAction,
    Milestone,
    OutcomeChange,
    status_order_of,
)
from koepel.core.dates import format_partial_date
from koepel.core.pagination import capped_counts
from koepel.registry.models import Body, Organisation, Role


def visible_dossiers(user: Any) -> QuerySet[Dossier]:
    return visible(Dossier.objects.all(), user)


def visible_actions(user: Any) -> QuerySet[LobbyAction]:
    return visible(LobbyAction.objects.all(), user)


def visible_milestones(user: Any) -> QuerySet[Milestone]:
    return visible(Milestone.objects.all(), user)


def _filtered_dossiers(
    user: Any,
    *,
    body: Body | None = None,
    addressee: Organisation | None = None,
    cosigner: Organisation | None = None,
    year: int | None = None,
) -> QuerySet[Dossier]:
    """The visible dossiers that pass the filters, each once.

    The filters are subqueries rather than joins, so no row repeats and neither the list nor
    the count per status needs a DISTINCT over the whole result.
    """
    dossiers = visible_dossiers(user)
    if body is not None:
        dossiers = dossiers.filter(
            pk__in=Dossier.bodies.through.objects.filter(body=body).values("dossier_id")
        )
    actions = visible_actions(user)
    if addressee is not None:
        dossiers = dossiers.filter(pk__in=actions.filter(addressees=addressee).values("dossiers"))
    if cosigner is not None:
        dossiers = dossiers.filter(pk__in=actions.filter(cosigners=cosigner).values("dossiers"))
    if year:
        dossiers = dossiers.filter(
            Q(pk__in=actions.filter(date__year=year).values("dossiers")) | Q(status_date__year=year)
        )
    return dossiers


def dossier_list(
    user: Any,
    *,
    status: str = "",
    body: Body | None = None,
    addressee: Organisation | None = None,
    cosigner: Organisation | None = None,
    year: int | None = None,
) -> QuerySet[Dossier]:
    """The visible dossiers that pass the filters, by status (ongoing first), the most recent
    status change first within each, with their visible bodies."""
    dossiers = _filtered_dossiers(
        user, body=body, addressee=addressee, cosigner=cosigner, year=year
    )
    if status:
        dossiers = dossiers.filter(status=status)
    return dossiers.prefetch_related(bodies_seen(user)).order_by(
        "status_order", F("status_date").desc(nulls_last=True), "title", "pk"
    )


def dossier_status_counts(
    user: Any,
    *,
    body: Body | None = None,
    addressee: Organisation | None = None,
    cosigner: Organisation | None = None,
    year: int | None = None,
) -> dict[str, int]:
    """How many visible dossiers that pass the filters have each status, in one query: each
    count stops at the cap (``koepel.core.pagination``), so a count above it means "more than
    the cap" and the database reads no more than cap + 1 dossiers of a status."""
    dossiers = _filtered_dossiers(
        user, body=body, addressee=addressee, cosigner=cosigner, year=year
    )
    # Each status through the index on its rank (kept by the dossier's ``save``), so a status
    # no dossier has costs a look in the index rather than a pass over every dossier.
    counts = capped_counts(
        {
            status: dossiers.filter(status_order=status_order_of(status), status=status)
            for status in DossierStatus
        }
    )
    return {str(status): count for status, count in counts.items() if count}


def action_list(
    user: Any,
    *,
    addressee: Organisation | None = None,
    cosigner: Organisation | None = None,
    year: int | None = None,
    kind: str = "",
    body: Body | None = None,
) -> QuerySet[LobbyAction]:
    actions = visible_actions(user)
    if addressee is not None:
        actions = actions.filter(addressees=addressee)
    if cosigner is not None:
        actions = actions.filter(cosigners=cosigner)
    if year:
        actions = actions.filter(date__year=year)
    if kind:
        actions = actions.filter(kind=kind)
    if body is not None:
        actions = actions.filter(bodies=body)
    return (
        actions.distinct()
        .prefetch_related(
            "addressees",
            "cosigners",
            "addressee_people",
            bodies_seen(user),
        )
        .order_by("date", "pk")
    )


@dataclass(frozen=True)
class TimelineEntry:
    date: dt.date
    date_display: str
    kind: str  # "outcome", "action", "milestone"
    record: Any


@dataclass(frozen=True)
class Step:
    """A step of a lobby action on the way to being sent: the cities consulted, answers
    given, reminders sent, the text adopted. (Being sent is the action's own entry.)"""

    action: LobbyAction
    step: str  # "consulted", "answered", "reminded", "adopted"
    text: str

    @property
    def rank(self) -> int:
        return STEP_ORDER.index(self.step)

    @property
    def label(self) -> str:
        return str(STEP_LABELS[self.step])


STEP_ORDER = ("consulted", "answered", "reminded", "adopted")
STEP_LABELS = {
    "consulted": gettext_lazy("consulted"),
    "answered": gettext_lazy("answered"),
    "reminded": gettext_lazy("reminded"),
    "adopted": gettext_lazy("adopted"),
}


def _step(action: LobbyAction, day: dt.date, step: str, text: str) -> TimelineEntry:
    return TimelineEntry(day, format_partial_date(day, "day"), "step", Step(action, step, text))


def action_steps(user: Any, actions: list[LobbyAction]) -> list[TimelineEntry]:
    """The steps of these actions that the user may see, as timeline entries: the
    consultation, its answers and reminders for members of the network and the actions'
    editors (as the answers themselves), the adoption for whoever sees the action. A few
    queries however many actions and answers."""
    by_pk = {action.pk: action for action in actions}
    entries: list[TimelineEntry] = []
    consultations = (
        visible(Consultation.objects.filter(action_id__in=by_pk), user)
        .annotate(cities=Count("municipalities"))
        .order_by()
    )
    for record in consultations:
        text = ngettext(
            "put to %(count)d member city, to answer by %(deadline)s",
            "put to %(count)d member cities, to answer by %(deadline)s",
            record.cities,
        ) % {"count": record.cities, "deadline": format_partial_date(record.deadline, "day")}
        entries.append(_step(by_pk[record.action_id], record.opened_on, "consulted", text))
    answers: dict[tuple[int, dt.date], list[str]] = defaultdict(list)
    for response in (
        visible(ConsultationResponse.objects.filter(action_id__in=by_pk), user)
        .select_related("municipality")
        .order_by("municipality__sort_name")
    ):
        answers[(response.action_id, response.day)].append(
            f"{response.municipality.name} ({response.get_answer_display()})"
        )
    for (action_pk, day), names in answers.items():
        text = ngettext(
            "%(count)d municipality answered: %(names)s",
            "%(count)d municipalities answered: %(names)s",
            len(names),
        ) % {"count": len(names), "names": ", ".join(names)}
        entries.append(_step(by_pk[action_pk], day, "answered", text))
    reminded: dict[tuple[int, dt.date], int] = defaultdict(int)
    for action_pk, moment in visible(
        ConsultationReminder.objects.filter(consultation__action_id__in=by_pk), user
    ).values_list("consultation__action_id", "sent_at"):
        reminded[(action_pk, timezone.localdate(moment))] += 1
    for (action_pk, day), count in reminded.items():
        text = ngettext(
            "%(count)d municipality reminded before the deadline",
            "%(count)d municipalities reminded before the deadline",
            count,
        ) % {"count": count}
        entries.append(_step(by_pk[action_pk], day, "reminded", text))
    adopted = [action for action in actions if action.adopted_on]
    body_names: dict[int, str] = {}
    if adopted:
        adopters = [action.adopted_by_id for action in adopted if action.adopted_by_id]
        body_names = dict(visible_bodies(user).filter(pk__in=adopters).values_list("pk", "name"))
    for action in adopted:
        name = body_names.get(action.adopted_by_id or 0)
        text = _("adopted by %(body)s") % {"body": name} if name else _("adopted")
        entries.append(_step(action, action.adopted_on, "adopted", text))  # type: ignore[arg-type]
    return entries


def dossier_detail(user: Any, slug: str) -> dict[str, Any] | None:
    dossier = (
        visible_dossiers(user)
        .filter(slug=slug)
        .prefetch_related(bodies_seen(user), "people", bodies_seen(user, "external_bodies"))
        .first()
    )
    if dossier is None:
        return None
    actions = list(action_list(user).filter(dossiers=dossier))
    milestones = list(visible_milestones(user).filter(dossiers=dossier))
    outcomes = list(OutcomeChange.objects.filter(dossier=dossier))
    timeline = sorted(
        [TimelineEntry(o.date, o.date_display, "outcome", o) for o in outcomes]
        + [TimelineEntry(a.date, a.date_display, "action", a) for a in actions]
        + [TimelineEntry(m.date, m.date_display, "milestone", m) for m in milestones]
        + action_steps(user, actions),
        key=lambda entry: (entry.date, entry.kind, getattr(entry.record, "rank", 0)),
    )
    external = list(dossier.external_bodies.all())
    representation = list(
        Role.objects.current()
        .filter(
            body__in=visible_bodies(user).filter(pk__in=[b.pk for b in external]),
            person__isnull=False,
        )
        .select_related("person", "body")
        .order_by("body__name")
    )
    return {"dossier": dossier, "timeline": timeline, "representation": representation}


def action_detail(user: Any, pk: int) -> LobbyAction | None:
    return (
        visible_actions(user)
        .filter(pk=pk)
        .prefetch_related(
            Prefetch("dossiers", queryset=visible_dossiers(user)),
            "addressees",
            "addressee_people",
            "cosigners",
            bodies_seen(user),
            "people",
        )
        .select_related("adopted_by")
        .first()
    )


@dataclass
class YearResults:
    year: int
    by_status: dict[str, list[Dossier]]

    @property
    def decided(self) -> int:
        return sum(len(v) for k, v in self.by_status.items() if k != DossierStatus.ONGOING)


def results(user: Any, year: int) -> YearResults:
    """The dossiers whose outcome was recorded in a year, by that outcome."""
    dossiers = visible_dossiers(user).filter(status_date__year=year).order_by("title")
    by_status: dict[str, list[Dossier]] = {status: [] for status in DossierStatus.values}
    for dossier in dossiers:
        by_status[dossier.status].append(dossier)
    return YearResults(year=year, by_status=by_status)


def year_timeline(user: Any, year: int) -> list[TimelineEntry]:
    actions = action_list(user, year=year)
    milestones = visible_milestones(user).filter(date__year=year)
    outcomes = OutcomeChange.objects.filter(
        date__year=year, dossier__in=visible_dossiers(user)
    ).select_related("dossier")
    return sorted(
        [TimelineEntry(a.date, a.date_display, "action", a) for a in actions]
        + [TimelineEntry(m.date, m.date_display, "milestone", m) for m in milestones]
        + [TimelineEntry(o.date, o.date_display, "outcome", o) for o in outcomes],
        key=lambda entry: (entry.date, entry.kind),
    )
