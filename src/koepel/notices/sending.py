"""Who hears of what happened, and the mails that tell them.

Each event goes to the people it concerns (the seats in a meeting's or document's bodies, an
action's owner, the people of a city that has not yet answered a consultation) who have an
active account and an e-mail address, as far as the one access check lets that account see the
record *now*. Each person hears of it the way they chose for its kind: at once (each pass of the
task worker), in the daily digest (after ``DIGEST_HOUR`` each day) or in the weekly one (after
that hour on Monday), or not at all. A ``Delivery`` row per person and event, written in the
transaction that queues the mail, keeps anything from being sent twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koepel.accounts.access import visible
from koepel.accounts.models import User
from koepel.advocacy.models import ConsultationResponse, LobbyAction, Stage
from koepel.core.validators import one_line
from koepel.library.models import Document
from koepel.meetings.models import AMSTERDAM, ActionItem, ActionStatus, Meeting, Status
from koepel.notices.events import scan
from koepel.notices.models import Delivery, Event, Frequency, Kind, Preferences, Scan
from koepel.registry.models import Person, Role

DIGEST_HOUR = 7  # in Amsterdam; the weekly digest on Monday
# How far back a digest looks for what it has not yet sent (a worker that was stopped a while).
LOOK_BACK: dict[str, dt.timedelta] = {
    Frequency.DAILY: dt.timedelta(days=7),
    Frequency.WEEKLY: dt.timedelta(days=14),
}


@dataclass(frozen=True)
class Item:
    kind: str
    object_id: int
    what: str
    title: str
    url: str


def daily_moment(now: dt.datetime) -> dt.datetime:
    """The moment of the latest daily digest at or before ``now``."""
    local = now.astimezone(AMSTERDAM)
    moment = dt.datetime.combine(local.date(), dt.time(DIGEST_HOUR), tzinfo=AMSTERDAM)
    if moment > local:
        moment = dt.datetime.combine(
            local.date() - dt.timedelta(days=1), dt.time(DIGEST_HOUR), tzinfo=AMSTERDAM
        )
    return moment


def weekly_moment(now: dt.datetime) -> dt.datetime:
    """The moment of the latest weekly digest (Monday) at or before ``now``."""
    daily = daily_moment(now)
    monday = daily.date() - dt.timedelta(days=daily.weekday())
    return dt.datetime.combine(monday, dt.time(DIGEST_HOUR), tzinfo=AMSTERDAM)


# -- who an event concerns -------------------------------------------------------------------


def _seated(body_ids: QuerySet[Any, Any]) -> Q:
    return Q(roles__in=Role.objects.current().filter(body_id__in=body_ids))


def _concerned(event: Event) -> Q | None:
    """The people an event concerns, before the access check (None: nobody)."""
    if event.kind in (Kind.MEETINGS, Kind.MINUTES):
        in_meeting = Meeting.bodies.through.objects.filter(meeting_id=event.object_id)
        return _seated(in_meeting.values("body_id")) | Q(invitations__meeting_id=event.object_id)
    if event.kind == Kind.DOCUMENTS:
        in_document = Document.bodies.through.objects.filter(document_id=event.object_id)
        return _seated(in_document.values("body_id"))
    if event.kind == Kind.ACTIONS:
        owner = event.key.partition(":")[2]
        return Q(pk=int(owner)) if owner.isdigit() else None
    if event.kind == Kind.CONSULTATIONS:
        answered = ConsultationResponse.objects.filter(action_id=event.object_id)
        return (
            Q(municipality__isnull=False)
            & Q(roles__in=Role.objects.current())
            & ~Q(municipality__in=answered.values("municipality_id"))
        )
    return None


def audience(event: Event) -> list[User]:
    """The active accounts, with an e-mail address, of the people the event concerns."""
    concerned = _concerned(event)
    if concerned is None:
        return []
    people = Person.objects.filter(concerned).exclude(email="").values("pk")
    return list(
        User.objects.filter(is_active=True, person__in=people)
        .select_related("person")
        .order_by("pk")
    )


# -- what the person may read of it ---------------------------------------------------------


def _url(path: str) -> str:
    return f"{settings.KOEPEL_BASE_URL}{path}"


def item_for(event: Event, user: User) -> Item | None:
    """The event as this account may read it now; None when it may not, or it no longer holds
    (the action went to someone else, the city has answered, the minutes were removed)."""
    person = user.person
    if person is None:
        return None
    if event.kind in (Kind.MEETINGS, Kind.MINUTES):
        meeting = visible(Meeting.objects.filter(pk=event.object_id), user).first()
        if meeting is None:
            return None
        if event.kind == Kind.MINUTES:
            if not meeting.minutes:
                return None
            what = _("Minutes published")
        elif meeting.status == Status.CANCELLED:
            what = _("Meeting cancelled")
        else:
            what = _("New meeting") if event.is_new else _("Meeting changed")
        title = f"{meeting.title} ({meeting.date_display})"
        return Item(event.kind, meeting.pk, what, title, _url(meeting.get_absolute_url()))
    if event.kind == Kind.DOCUMENTS:
        document = visible(Document.objects.filter(pk=event.object_id), user).first()
        if document is None:
            return None
        url = _url(document.get_absolute_url())
        return Item(event.kind, document.pk, _("Document added"), document.title, url)
    if event.kind == Kind.ACTIONS:
        action = (
            visible(ActionItem.objects.filter(pk=event.object_id), user)
            .filter(owner=person)
            .exclude(status=ActionStatus.DONE)
            .select_related("meeting")
            .first()
        )
        if action is None:
            return None
        title = one_line(action.description)[:200]
        url = _url(action.meeting.get_absolute_url())
        return Item(event.kind, action.pk, _("Action given to you"), title, url)
    if event.kind == Kind.CONSULTATIONS:
        lobby = (
            visible(LobbyAction.objects.filter(pk=event.object_id), user)
            .filter(stage=Stage.CONSULTATION)
            .first()
        )
        if lobby is None or person.municipality_id is None:
            return None
        if lobby.responses.filter(municipality_id=person.municipality_id).exists():
            return None
        url = _url(lobby.get_absolute_url())
        return Item(event.kind, lobby.pk, _("Your city is consulted"), lobby.title, url)
    return None


def preferences_of(person: Person) -> Preferences:
    found = Preferences.objects.filter(person=person).first()
    return found if found is not None else Preferences(person=person)


# -- the mails -------------------------------------------------------------------------------


def _mail(person: Person, items: list[Item], frequency: str, language: str) -> None:
    with translation.override(language):
        if frequency == Frequency.IMMEDIATELY:
            subject = f"{items[0].what}: {items[0].title}"
            heading = items[0].what
        else:
            heading = (
                _("Your daily digest") if frequency == Frequency.DAILY else _("Your weekly digest")
            )
            subject = ngettext(
                "%(heading)s: %(count)d notification",
                "%(heading)s: %(count)d notifications",
                len(items),
            ) % {"heading": heading, "count": len(items)}
        groups: dict[str, list[Item]] = defaultdict(list)
        for item in items:
            groups[item.kind].append(item)
        context = {
            "person": person,
            "heading": heading,
            "groups": [(Kind(kind).label, groups[kind]) for kind in Kind.values if kind in groups],
            "digest": frequency != Frequency.IMMEDIATELY,
            "settings_url": _url(reverse("notices:preferences")),
        }
        message = EmailMultiAlternatives(
            subject=one_line(subject)[:250],
            body=render_to_string("notices/mail/notice.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(
            render_to_string("notices/mail/notice.html", context), "text/html"
        )
        message.send()


def _deliver(
    user: User, events: list[Event], frequency: str, now: dt.datetime, *, digest: str = ""
) -> bool:
    """Send ``events`` to ``user`` in one mail, each at most once; whether a mail went. For a
    digest (``digest``: "daily" or "weekly") the person's preferences remember when it went."""
    person = user.person
    if person is None:
        return False
    language = person.language
    try:
        with transaction.atomic(), translation.override(language):
            items: dict[tuple[str, int], Item] = {}
            for event in events:
                item = item_for(event, user)
                if item is None:
                    continue
                # Written first: a second sender stops here, and a failure undoes both.
                Delivery.objects.create(
                    event=event, person=person, frequency=frequency, sent_at=now
                )
                items.setdefault((item.kind, item.object_id), item)
            if not items:
                return False
            _mail(person, list(items.values()), frequency, language)
            if digest:
                Preferences.objects.update_or_create(
                    person=person, defaults={f"{digest}_sent_at": now}
                )
    except IntegrityError:
        return False  # sent by another pass at the same moment
    return True


def send_immediate(now: dt.datetime | None = None) -> int:
    """Send each event not yet dispatched to those who want its kind at once; how many mails."""
    now = now or timezone.now()
    sent = 0
    for event in Event.objects.filter(dispatched=False, baseline=False).order_by("seen_at", "pk"):
        delivered = set(event.deliveries.values_list("person_id", flat=True))
        for user in audience(event):
            if (
                user.person is None
                or user.person_id in delivered
                or event.seen_at < user.date_joined
            ):
                continue
            if preferences_of(user.person).frequency(event.kind) != Frequency.IMMEDIATELY:
                continue
            sent += _deliver(user, [event], Frequency.IMMEDIATELY, now)
        Event.objects.filter(pk=event.pk).update(dispatched=True)
    return sent


def send_digests(now: dt.datetime | None = None) -> int:
    """Send the daily and weekly digests whose moment has come; how many mails."""
    now = now or timezone.now()
    sent = 0
    for frequency, moment, field in (
        (Frequency.DAILY, daily_moment(now), "daily"),
        (Frequency.WEEKLY, weekly_moment(now), "weekly"),
    ):
        mark = Scan.objects.first()
        done = getattr(mark, f"{field}_done", None) if mark is not None else None
        if mark is None or (done is not None and done >= moment):
            continue
        sent += _digest(frequency, moment, field)
        Scan.objects.filter(pk=mark.pk).update(**{f"{field}_done": moment})
    return sent


def _digest(frequency: str, moment: dt.datetime, field: str) -> int:
    events = list(
        Event.objects.filter(
            baseline=False, seen_at__lt=moment, seen_at__gte=moment - LOOK_BACK[frequency]
        ).order_by("seen_at", "pk")
    )
    per_user: dict[int, tuple[User, list[Event]]] = {}
    delivered = set(Delivery.objects.filter(event__in=events).values_list("event_id", "person_id"))
    for event in events:
        for user in audience(event):
            if (event.pk, user.person_id) in delivered or event.seen_at < user.date_joined:
                continue
            per_user.setdefault(user.pk, (user, []))[1].append(event)
    sent = 0
    for user, candidates in per_user.values():
        if user.person is None:
            continue
        preferences = preferences_of(user.person)
        last = getattr(preferences, f"{field}_sent_at")
        if last is not None and last >= moment:
            continue
        chosen = [e for e in candidates if preferences.frequency(e.kind) == frequency]
        if chosen and _deliver(user, chosen, frequency, timezone.now(), digest=field):
            sent += 1
    return sent


def run(now: dt.datetime | None = None) -> dict[str, int]:
    """One pass: look at the records, send what is wanted at once, and the digests now due."""
    now = now or timezone.now()
    found = scan(now)
    return {
        "events": found,
        "immediately": send_immediate(now),
        "digests": send_digests(now),
    }
