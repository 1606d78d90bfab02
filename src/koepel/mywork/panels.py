"""The panels of "Mijn werk": what waits for the person who is signed in.

A panel is one builder and one template. The builder takes the ``Work`` (who asks, read once
per request) and returns a ``Panel`` — its rows as a lazy queryset or list, its title, its
empty state, the template of one row and links to the pages where the work is done — or None
when the panel does not concern this viewer (a secretary's panels for a member, the office's
for anyone else). ``PANELS`` lists the builders in the order the page shows them; a new panel
is one more builder appended there, with a template in ``templates/mywork/items/``.

Every row is read through the one visibility check (``access.visible``) or a selector that
asks it, so the page never shows what the viewer could not open. The rows are ordered so
that what comes first in time comes first: the next meeting, the action due soonest.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from post_office.models import STATUS, Email

from koepel.accounts.access import Viewer, bodies_seen, viewer_for, visible, visible_bodies
from koepel.advocacy import consultation
from koepel.advocacy.models import Consultation, LobbyAction, Stage
from koepel.core.dates import Precision
from koepel.core.pagination import capped_count
from koepel.meetings.models import ActionItem, ActionStatus, Answer, Invitation, Meeting, Status
from koepel.registry.models import Role
from koepel.registry.selectors import current_network, member_municipalities, vacant_seat_rows
from koepel.reports.models import (
    AnnualReport,
    Publication,
    RenderStatus,
    SectionStatus,
    SectionText,
)
from koepel.reports.selectors import report_year_range

# How many rows a panel shows on the page; its full list has them all, a page at a time.
PANEL_SIZE = 5


@dataclass(frozen=True)
class Work:
    """Who asks, read once for all panels."""

    user: Any
    viewer: Viewer
    today: dt.date

    @classmethod
    def of(cls, user: Any) -> Work:
        return cls(user=user, viewer=viewer_for(user), today=timezone.localdate())

    @property
    def person_id(self) -> int | None:
        return self.viewer.person_id


@dataclass
class Panel:
    """One panel: its rows (not read yet) and how the page shows them."""

    key: str  # the address of its full list: /mijn-werk/<key>/
    title: Any
    empty: Any  # what the panel says when nothing waits, in plain words
    rows: QuerySet[Any] | Sequence[Any]
    item_template: str
    # The pages where this work is done or listed in full elsewhere: (address, label).
    links: list[tuple[str, Any]] = field(default_factory=list)
    # Called with the rows read, before they are shown (to name what a row only has an id of).
    finish: Callable[[Work, list[Any]], list[Any]] | None = None
    # A panel of work only some people have (report sections) is left out when it is empty.
    hide_when_empty: bool = False
    items: list[Any] = field(default_factory=list)
    count: int = 0

    def read(self, work: Work, limit: int | None = PANEL_SIZE) -> Panel:
        """Count the rows, up to the cap (``koepel.core.pagination``: a count above it means
        "more than the cap"), and read the first ``limit`` of them (all, for None)."""
        rows = self.rows
        self.count = capped_count(rows)
        shown = list(rows if limit is None else rows[:limit])
        self.items = self.finish(work, shown) if self.finish else shown
        return self

    def show(self, work: Work, items: Sequence[Any], count: int) -> Panel:
        """Show these rows (one page of the full list), of ``count`` in all."""
        self.count = count
        self.items = self.finish(work, list(items)) if self.finish else list(items)
        return self

    @property
    def shown(self) -> bool:
        return bool(self.count) or not self.hide_when_empty

    @property
    def url(self) -> str:
        return reverse("mywork:panel", args=[self.key])


Builder = Callable[[Work], Panel | None]


# -- when a meeting is over ---------------------------------------------------------------


def _over(today: dt.date) -> Q:
    """Meetings that are over: their last day has passed (for a date known to the month or
    the year only, that month or year)."""
    return (
        Q(
            date_precision=Precision.DAY,
            date__lt=today,
        )
        & (Q(end_date__isnull=True) | Q(end_date__lt=today))
        | Q(date_precision=Precision.MONTH, date__lt=today.replace(day=1))
        | Q(date_precision=Precision.YEAR, date__year__lt=today.year)
    )


def _coming(today: dt.date) -> Q:
    """Meetings that are not over yet: today's, and those to come."""
    return (
        Q(date_precision=Precision.DAY) & (Q(date__gte=today) | Q(end_date__gte=today))
        | Q(date_precision=Precision.MONTH, date__gte=today.replace(day=1))
        | Q(date_precision=Precision.YEAR, date__year__gte=today.year)
    )


# -- for every person -----------------------------------------------------------------------


def coming_meetings(work: Work) -> Panel | None:
    """The meetings to come that the person is invited to or whose bodies they sit in."""
    if work.person_id is None:
        return None
    bodies = Role.objects.current(work.today).filter(person_id=work.person_id).values("body_id")
    mine = Meeting.objects.filter(
        Q(pk__in=Invitation.objects.filter(person_id=work.person_id).values("meeting_id"))
        | Q(pk__in=Meeting.bodies.through.objects.filter(body_id__in=bodies).values("meeting_id"))
    )
    rows = (
        visible(mine, work.user)
        .filter(_coming(work.today))
        .exclude(status=Status.CANCELLED)
        .prefetch_related(bodies_seen(work.user))
        .order_by("date", "start_time", "pk")
    )
    return Panel(
        key="bijeenkomsten",
        title=_("My coming meetings"),
        empty=_("No coming meetings"),
        rows=rows,
        item_template="mywork/items/meeting.html",
        links=[
            (reverse("meetings:calendar-now"), _("Calendar")),
            (reverse("meetings:my-calendar"), _("My calendar")),
        ],
    )


def open_invitations(work: Work) -> Panel | None:
    """Invitations to meetings to come that the person has not answered."""
    if work.person_id is None:
        return None
    rows = (
        visible(
            Invitation.objects.filter(person_id=work.person_id, answer=Answer.INVITED),
            work.user,
        )
        .filter(meeting__in=Meeting.objects.filter(_coming(work.today)))
        .exclude(meeting__status=Status.CANCELLED)
        .select_related("meeting")
        .order_by("meeting__date", "meeting__start_time", "pk")
    )
    return Panel(
        key="uitnodigingen",
        title=_("Invitations to answer"),
        empty=_("No invitations to answer"),
        rows=rows,
        item_template="mywork/items/invitation.html",
    )


def my_actions(work: Work) -> Panel | None:
    """The actions the person carries out that are not done, the one due first on top."""
    if work.person_id is None:
        return None
    rows = (
        visible(ActionItem.objects.filter(owner_id=work.person_id), work.user)
        .exclude(status=ActionStatus.DONE)
        .select_related("meeting", "body")
        .order_by(F("due").asc(nulls_last=True), "pk")
    )
    return Panel(
        key="acties",
        title=_("My open actions"),
        empty=_("No open actions"),
        rows=rows,
        item_template="mywork/items/action.html",
    )


def consultations(work: Work) -> Panel | None:
    """The drafts the person's city is consulted on and has not answered yet (the city a
    person answers for is the consultation's own rule: ``consultation.answering_for``)."""
    city = consultation.answering_for(work.user)
    if city is None:
        return None
    asked = Q(consultation__in=visible(Consultation.objects.filter(municipalities=city), work.user))
    if member_municipalities(work.today).filter(pk=city.pk).exists():
        # A consultation from before the cities were chosen asked every member city.
        asked |= Q(consultation__isnull=True)
    rows = (
        visible(LobbyAction.objects.filter(stage=Stage.CONSULTATION), work.user)
        .filter(asked)
        .exclude(responses__municipality=city)
        .select_related("consultation")
        .order_by(F("consultation__deadline").asc(nulls_last=True), "date", "pk")
    )
    return Panel(
        key="raadplegingen",
        title=_("Consultations waiting for %(city)s") % {"city": city.name},
        empty=_("No consultations waiting for your municipality's answer"),
        rows=rows,
        item_template="mywork/items/consultation.html",
        links=[(reverse("advocacy:dossiers"), _("Lobby"))],
    )


def _section_titles(work: Work, texts: list[SectionText]) -> list[SectionText]:
    """Name each section as the report does, from its key: a body's section by the body (as
    far as the viewer may see it), the foreword and the closing by their own titles."""
    ids = {
        int(text.key.split(":", 1)[1])
        for text in texts
        if text.key.startswith(("body:", "algemeen:")) and text.key.split(":", 1)[1].isdigit()
    }
    names = dict(visible_bodies(work.user).filter(pk__in=ids).values_list("pk", "name"))
    network = current_network() if any(text.key == "netwerk" for text in texts) else None
    for text in texts:
        kind, _sep, rest = text.key.partition(":")
        body = names.get(int(rest)) if rest.isdigit() else None
        if kind == "voorwoord":
            title = "Voorwoord"
        elif kind == "netwerk":
            title = f"Over {network.name if network else 'het netwerk'}"
        elif kind == "algemeen" and body:
            title = f"{body}: Algemeen"
        else:
            title = body or text.key
        text.title = title  # type: ignore[attr-defined]
    return texts


def sections_to_write(work: Work) -> Panel | None:
    """The sections of the annual report given to the person to write, not final yet."""
    if work.person_id is None:
        return None
    years = report_year_range()
    rows = (
        SectionText.objects.filter(
            writer_id=work.person_id, report__year__gte=years.start, report__year__lt=years.stop
        )
        .exclude(status=SectionStatus.FINAL)
        .select_related("report")
        .order_by(F("due").asc(nulls_last=True), "report__year", "key")
    )
    return Panel(
        key="jaarverslag",
        title=_("Annual report sections to write"),
        empty=_("No sections to write"),
        rows=rows,
        item_template="mywork/items/section.html",
        finish=_section_titles,
        hide_when_empty=True,
    )


# -- for a secretary: their bodies and the bodies beneath them ------------------------------


def _secretary_meetings(work: Work) -> QuerySet[Meeting]:
    of_bodies = Meeting.bodies.through.objects.filter(body_id__in=work.viewer.secretary_body_ids)
    return visible(Meeting.objects.filter(pk__in=of_bodies.values("meeting_id")), work.user)


def minutes_missing(work: Work) -> Panel | None:
    """Meetings of the secretary's bodies that are over and have no minutes yet, the latest
    first: the meeting just held is the one whose minutes are due now."""
    if not work.viewer.secretary_body_ids:
        return None
    rows = (
        _secretary_meetings(work)
        .filter(_over(work.today), minutes="")
        .exclude(status=Status.CANCELLED)
        .prefetch_related(bodies_seen(work.user))
        .order_by("-date", "-start_time", "-pk")
    )
    return Panel(
        key="verslagen",
        title=_("Meetings without minutes"),
        empty=_("No meetings without minutes"),
        rows=rows,
        item_template="mywork/items/minutes.html",
        links=[(reverse("meetings:meetings"), _("All meetings"))],
    )


def overdue_actions(work: Work) -> Panel | None:
    """Actions of the secretary's bodies past their due date and not done, oldest first."""
    if not work.viewer.secretary_body_ids:
        return None
    rows = (
        visible(
            ActionItem.objects.filter(
                body_id__in=work.viewer.secretary_body_ids, due__lt=work.today
            ),
            work.user,
        )
        .exclude(status=ActionStatus.DONE)
        .select_related("meeting", "body", "owner")
        .order_by("due", "pk")
    )
    return Panel(
        key="acties-over-datum",
        title=_("Overdue actions of your bodies"),
        empty=_("No overdue actions"),
        rows=rows,
        item_template="mywork/items/overdue_action.html",
    )


# -- for the network office: what needs attention across the network -----------------------


def cities_without_contact(work: Work) -> Panel | None:
    """Member cities that no request can be mailed to: none of their people with a current
    seat has an e-mail address (the consultation's rule, ``consultation.reachable``)."""
    if not work.viewer.is_office:
        return None
    rows = visible(
        member_municipalities(work.today).exclude(pk__in=consultation.reachable()), work.user
    ).order_by("sort_name", "pk")
    return Panel(
        key="gemeenten-zonder-contact",
        title=_("Member municipalities without a contact"),
        empty=_("Every member municipality has a contact"),
        rows=rows,
        item_template="mywork/items/municipality.html",
        links=[(reverse("registry:municipalities"), _("Member municipalities"))],
    )


def seats_vacant(work: Work) -> Panel | None:
    """Seats left vacant (after a council-term change, or a role ended without successor) until
    someone is named to them, the longest vacant first (``registry.selectors.vacant_seat_rows``)."""
    if not work.viewer.is_office:
        return None
    rows = vacant_seat_rows(work.user).order_by(F("start").asc(nulls_first=True), "pk")
    return Panel(
        key="vacante-zetels",
        title=_("Vacant seats"),
        empty=_("No vacant seats"),
        rows=rows,
        item_template="mywork/items/seat.html",
        links=[(reverse("registry:term-change"), _("Council-term change"))],
    )


def report_year(today: dt.date) -> int:
    """The year whose report the network is writing: the newest report with words in it that
    has not been published, else last year's (or this year's, for a network that began now)."""
    years = report_year_range()
    published = Publication.objects.filter(status=RenderStatus.DONE).values("year")
    newest = (
        AnnualReport.objects.filter(year__gte=years.start, year__lt=years.stop)
        .exclude(year__in=published)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return newest or max(years.start, today.year - 1)


def sections_not_final(work: Work) -> Panel | None:
    """The sections of this year's report that someone has started or been given and that are
    not final, the one due first on top."""
    if not work.viewer.is_office:
        return None
    year = report_year(work.today)
    rows = (
        visible(SectionText.objects.filter(report__year=year), work.user)
        .exclude(status=SectionStatus.FINAL)
        .select_related("report", "writer")
        .order_by(F("due").asc(nulls_last=True), "key")
    )
    return Panel(
        key="secties",
        title=_("Sections of the annual report %(year)s not final") % {"year": year},
        empty=_("No sections waiting"),
        rows=rows,
        item_template="mywork/items/section.html",
        links=[(reverse("reports:progress", args=[year]), _("Writing the annual report"))],
        finish=_section_titles,
    )


def failed_mails(work: Work) -> Panel | None:
    """Mails that could not be sent, the newest first (the outbox sends them again)."""
    if not work.viewer.is_office:
        return None
    rows = Email.objects.filter(status=STATUS.failed).order_by("-created", "-pk")
    return Panel(
        key="mislukte-mails",
        title=_("Failed mails"),
        empty=_("No failed mails"),
        rows=rows,
        item_template="mywork/items/mail.html",
        links=[(reverse("accounts:outbox") + "?status=mislukt", _("Outgoing mail"))],
    )


# The panels in the order of the page: a person's own work, a secretary's, the office's.
PANELS: list[Builder] = [
    coming_meetings,
    open_invitations,
    my_actions,
    consultations,
    sections_to_write,
    minutes_missing,
    overdue_actions,
    cities_without_contact,
    seats_vacant,
    sections_not_final,
    failed_mails,
]


def panels_for(work: Work) -> list[Panel]:
    """The panels that concern the viewer, not read yet."""
    return [panel for build in PANELS if (panel := build(work)) is not None]


def panel_for(work: Work, key: str) -> Panel | None:
    """The one panel of this key, when it concerns the viewer."""
    return next((panel for panel in panels_for(work) if panel.key == key), None)
