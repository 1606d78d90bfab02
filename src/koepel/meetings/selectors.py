"""Reads of meetings, shaped for pages, feeds and the annual report. What depends on who is
asking goes through ``access.visible``; counts come from queries, never from text."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from koepel.accounts.access import bodies_seen, viewer_for_person, visible, visible_bodies
from koepel.core.dates import Precision
from koepel.meetings.models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Answer,
    Decision,
    Guest,
    Invitation,
    Meeting,
    Status,
    coming_filter,
)
from koepel.registry.models import Body, Participation, Person, Role
from koepel.registry.selectors import member_municipalities, visible_people


def visible_meetings(user: Any) -> QuerySet[Meeting]:
    return visible(Meeting.objects.all(), user)


# A body with up to this many meetings has them read by their ids (``of_body``).
MEETINGS_BY_ID = 2_000


def of_body(body: Body) -> Q:
    """The meetings of ``body``, as a condition that leads the database to them. Joined to
    their bodies, a page of a body's meetings in date order was found on PostgreSQL by walking
    every meeting by date and checking each one's bodies, because the planner expected the
    body's few dozen meetings among the newest: 140 to 250 ms at scale 100 (59,000 meetings)
    for the ten on a body's page, against under a millisecond from their ids. A body with more
    meetings than ``MEETINGS_BY_ID`` finds its page soon on that walk, and keeps the join."""
    ids = list(
        Meeting.bodies.through.objects.filter(body=body).values_list("meeting_id", flat=True)[
            : MEETINGS_BY_ID + 1
        ]
    )
    return Q(pk__in=ids) if len(ids) <= MEETINGS_BY_ID else Q(bodies=body)


def meeting_list(
    user: Any,
    *,
    body: Body | None = None,
    kind: str = "",
    level: str = "",
    format: str = "",
    year: int | None = None,
    month: int | None = None,
    when: str = "",
    today: dt.date | None = None,
) -> QuerySet[Meeting]:
    """The meetings the user may see, filtered. ``when`` is "coming" (not yet over on
    ``today``, soonest first) or "past" (the most recent first); else all, in date order."""
    meetings = visible_meetings(user)
    if body is not None:
        meetings = meetings.filter(of_body(body))
    if kind:
        meetings = meetings.filter(kind=kind)
    if level:
        meetings = meetings.filter(level=level)
    if format:
        meetings = meetings.filter(format=format)
    if year:
        meetings = meetings.filter(date__year=year)
    if month:
        meetings = meetings.filter(date__month=month)
    meetings = meetings.prefetch_related(bodies_seen(user))
    today = today or timezone.localdate()
    if when == "coming":
        return meetings.filter(coming_filter(today)).order_by("date", "start_time", "pk")
    if when == "past":
        return meetings.exclude(coming_filter(today)).order_by(
            F("date").desc(), F("start_time").desc(nulls_last=True), "-pk"
        )
    return meetings.order_by("date", "start_time", "pk")


def next_meeting_month(user: Any, today: dt.date) -> dt.date | None:
    """The first day of the month of the next meeting the user may see that is not cancelled
    and whose month is known (today's included), or None when none is coming."""
    found = (
        visible_meetings(user)
        .filter(coming_filter(today))
        .exclude(status=Status.CANCELLED)
        .exclude(date_precision=Precision.YEAR)
        .order_by("date", "start_time", "pk")
        .values_list("date", flat=True)
        .first()
    )
    return max(found, today).replace(day=1) if found else None


def my_coming(person: Any, today: dt.date, *, limit: int = 10) -> list[Meeting]:
    """A person's next meetings (invited to, or of bodies they sit in), soonest first, with
    their own invitation as ``own_invitation`` (None when not invited)."""
    meetings: list[Meeting] = list(
        person_meetings(person)
        .filter(coming_filter(today))
        .prefetch_related(
            Prefetch(
                "invitations",
                queryset=Invitation.objects.filter(person=person),
                to_attr="own_invitations",
            ),
        )[:limit]
    )
    for meeting in meetings:
        own = meeting.own_invitations  # type: ignore[attr-defined]
        meeting.own_invitation = own[0] if own else None  # type: ignore[attr-defined]
    return meetings


def open_invitations(person: Any, today: dt.date) -> list[Invitation]:
    """A person's invitations not yet answered, to planned meetings still to come that they
    may see, soonest first."""
    return list(
        Invitation.objects.filter(
            person=person,
            answer=Answer.INVITED,
            meeting__in=person_meetings(person)
            .filter(status=Status.PLANNED)
            .filter(coming_filter(today)),
        )
        .select_related("meeting")
        .order_by("meeting__date", "meeting__start_time", "pk")
    )


def meeting_detail(user: Any, pk: int) -> Meeting | None:
    meeting = (
        visible_meetings(user)
        .filter(pk=pk)
        .prefetch_related(
            bodies_seen(user),
            # A meeting's parts as their own declared paths allow (accounts.paths): an action
            # of a body the user may not see stays hidden on a meeting they may see.
            Prefetch(
                "guests",
                queryset=visible(Guest.objects.select_related("person", "organisation"), user),
            ),
            Prefetch(
                "agenda_items",
                queryset=visible(AgendaItem.objects.select_related("presenter"), user),
            ),
            Prefetch(
                "invitations",
                queryset=visible(
                    Invitation.objects.select_related(
                        "person", "person__municipality", "person__organisation"
                    ),
                    user,
                ),
            ),
            Prefetch("decisions", queryset=visible(Decision.objects.all(), user)),
            Prefetch(
                "action_items",
                queryset=visible(ActionItem.objects.select_related("owner", "body"), user),
            ),
            Prefetch("sessions", queryset=visible_meetings(user)),
            Prefetch("prepared_by", queryset=visible_meetings(user)),
        )
        .first()
    )
    if meeting is not None:
        # The meetings it prepares or belongs to, only when the user may see them.
        linked = {
            m.pk: m
            for m in visible_meetings(user).filter(
                pk__in=[pk for pk in (meeting.prepares_id, meeting.part_of_id) if pk]
            )
        }
        meeting.shown_prepares = linked.get(meeting.prepares_id or 0)  # type: ignore[attr-defined]
        meeting.shown_part_of = linked.get(meeting.part_of_id or 0)  # type: ignore[attr-defined]
        meeting.people_known = _people_known(user, meeting)  # type: ignore[attr-defined]
    return meeting


def _people_known(user: Any, meeting: Meeting) -> frozenset[int]:
    """Of the people a meeting names as guests or invitees, those whose own page the user may
    open. The others are named as part of the meeting, without a link: that someone spoke at a
    meeting the user may see is that meeting's record, but a seat in a body the user may not
    see stays unseen (docs/design.md, "Visibility")."""
    named = {guest.person_id for guest in meeting.guests.all() if guest.person_id} | {
        invitation.person_id for invitation in meeting.invitations.all() if invitation.person_id
    }
    if not named:
        return frozenset()
    return frozenset(visible_people(user).filter(pk__in=named).values_list("pk", flat=True))


def person_meetings(person: Any) -> QuerySet[Meeting]:
    """A person's own calendar: meetings they are invited to or of bodies they sit in, as far
    as that person may see them (an office account sees more, through its own viewer)."""
    account = getattr(person, "account", None)
    subject = account if account is not None and account.is_active else viewer_for_person(person.pk)
    bodies = Role.objects.current().filter(person=person).values("body_id")
    return (
        visible(Meeting.objects.all(), subject)
        .filter(Q(invitations__person=person) | Q(bodies__in=bodies))
        .exclude(status=Status.CANCELLED)
        .distinct()
        .order_by("date", "start_time", "pk")
    )


def meeting_people(user: Any, meeting: Meeting) -> QuerySet[Person]:
    """Who can take on an action of a meeting, as far as the user may know them: those
    invited to it and those with a seat in its bodies the user may see. A bounded list, where
    all people of a large network would not be."""
    bodies = visible(meeting.bodies.all(), user)
    # Those seated on the meeting's date or since: an action of a past meeting may fall to
    # someone who has left the body since, or to their successor.
    first, last = meeting.days
    seated = (
        Role.objects.held_during(first, max(last, timezone.localdate()))
        .filter(body__in=bodies)
        .values("person_id")
    )
    invited = Invitation.objects.filter(meeting=meeting).values("person_id")
    return (
        visible_people(user)
        .filter(Q(pk__in=seated) | Q(pk__in=invited))
        .order_by("sort_name", "pk")
    )


def open_actions(user: Any, bodies: list[Body]) -> QuerySet[ActionItem]:
    """Actions not yet done of these bodies, from meetings the user may see. The access rules
    check each action through its own meeting (a correlated ``EXISTS``), rather than matching
    it against every meeting the user may see."""
    actions = ActionItem.objects.filter(body__in=bodies).exclude(status=ActionStatus.DONE)
    return (
        visible(actions, user)
        .select_related("owner", "meeting", "body")
        .order_by(F("due").asc(nulls_last=True), "pk")
    )


def represented_municipalities(meeting: Meeting) -> list[Any]:
    """Member cities represented at a meeting: those of the people marked present."""
    seen: dict[int, Any] = {}
    for invitation in meeting.invitations.all():
        municipality = invitation.person.municipality if invitation.person else None
        if invitation.present and municipality is not None:
            seen.setdefault(municipality.pk, municipality)
    return sorted(seen.values(), key=lambda m: m.sort_name)


@dataclass
class BodyYear:
    """What a body did in a year, as the annual report counts it."""

    body: Body
    year: int
    meetings: list[Meeting] = field(default_factory=list)
    by_level: Counter[str] = field(default_factory=Counter)
    by_format: Counter[str] = field(default_factory=Counter)
    guests: list[Guest] = field(default_factory=list)
    joint: list[Meeting] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.meetings)


def body_year(user: Any, body: Body, year: int) -> BodyYear:
    """The meetings a body held in a year (cancelled ones not counted), by level and format,
    with their guests and the joint sessions with other bodies."""
    meetings: list[Meeting] = list(
        visible_meetings(user)
        .filter(bodies=body, date__year=year)
        .exclude(status=Status.CANCELLED)
        .prefetch_related(
            Prefetch("guests", queryset=Guest.objects.select_related("person", "organisation")),
            "bodies",
        )
        .order_by("date", "pk")
    )
    result = BodyYear(body=body, year=year, meetings=meetings)
    for meeting in meetings:
        result.by_level[meeting.level] += 1
        result.by_format[meeting.format] += 1
        result.guests.extend(meeting.guests.all())
        if len(meeting.bodies.all()) > 1:  # prefetched: the filter above joins one body only
            result.joint.append(meeting)
    return result


@dataclass(frozen=True)
class BodyCount:
    body: Body
    count: int


def meetings_per_body(user: Any, year: int) -> list[BodyCount]:
    """How many meetings each body held in a year (cancelled ones not counted), most first:
    the meetings and the bodies the user may see, in two queries."""
    meetings = visible_meetings(user).filter(date__year=year).exclude(status=Status.CANCELLED)
    counts = Counter(
        Meeting.bodies.through.objects.filter(meeting__in=meetings).values_list(
            "body_id", flat=True
        )
    )
    bodies = visible_bodies(user).filter(pk__in=list(counts)).only("pk", "name", "slug")
    return sorted(
        (BodyCount(body, counts[body.pk]) for body in bodies),
        key=lambda row: (-row.count, row.body.name),
    )


@dataclass
class CityParticipation:
    municipality: Any
    bodies: int
    meetings_held: int
    meetings_attended: int


def participation_by_city(user: Any, year: int) -> list[CityParticipation]:
    """For each member city: in how many bodies it sits in a year (a participation or a role
    on its behalf), how many meetings those bodies held, and how many of them it attended."""
    on = dt.date(year, 12, 31)
    cities = list(member_municipalities(on))
    seats: dict[int, set[int]] = {city.pk: set() for city in cities}
    for city_id, body_id in (
        Participation.objects.during_year(year)
        .filter(municipality__in=cities)
        .values_list("municipality_id", "body_id")
    ):
        seats[city_id].add(body_id)
    for city_id, body_id in (
        Role.objects.during_year(year)
        .filter(Q(on_behalf_of_municipality__in=cities))
        .values_list("on_behalf_of_municipality_id", "body_id")
    ):
        seats[city_id].add(body_id)
    meetings = visible_meetings(user).filter(date__year=year).exclude(status=Status.CANCELLED)
    held_by_body: dict[int, set[int]] = {}
    for meeting_id, body_id in meetings.values_list("pk", "bodies"):
        held_by_body.setdefault(body_id, set()).add(meeting_id)
    attended: dict[int, set[int]] = {city.pk: set() for city in cities}
    for meeting_id, city_id in Invitation.objects.filter(
        meeting__in=meetings, present=True, person__municipality__in=cities
    ).values_list("meeting_id", "person__municipality_id"):
        attended[city_id].add(meeting_id)
    rows = []
    for city in cities:
        held: set[int] = set()
        for body_id in seats[city.pk]:
            held |= held_by_body.get(body_id, set())
        rows.append(
            CityParticipation(
                municipality=city,
                bodies=len(seats[city.pk]),
                meetings_held=len(held),
                meetings_attended=len(attended[city.pk] & held),
            )
        )
    return rows
