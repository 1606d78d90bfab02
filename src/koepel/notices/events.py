"""What happened, derived from the records: each pass compares them with what was seen before.

No service of another app has to remember to say that something happened, and a change made
through the admin, the API, an import or a page is found alike. Each state is one ``Event`` by
its key, so looking twice finds nothing new:

- a meeting of today or later, by its version (a new one, a change, a cancellation);
- minutes, the first time a meeting has any;
- a document, when it is added;
- an open action, by its owner (given to someone);
- a lobby action put to the member cities.

The first pass ever records what is there as history (``baseline``), which is never sent.
Meetings and documents carry the time they changed, so a pass reads only those changed since
the last (less a margin for transactions that were still open); actions and consultations have
no such time and are read whole, which stays small (open actions with an owner, texts out for
consultation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db import transaction
from django.utils import timezone

from koepel.advocacy.models import LobbyAction, Stage
from koepel.library.models import Document
from koepel.meetings.models import AMSTERDAM, ActionItem, ActionStatus, Meeting
from koepel.notices.models import Event, Kind, Scan

# A change committed just after the last pass began may carry an earlier time.
MARGIN = dt.timedelta(minutes=10)

Found = tuple[str, str, int, bool]  # kind, key, object id, is new


def scan(now: dt.datetime | None = None) -> int:
    """Look at the records once; returns how many events were new (baseline ones included)."""
    now = now or timezone.now()
    with transaction.atomic():
        mark = Scan.objects.select_for_update().first()
        since = mark.scanned_at - MARGIN if mark is not None else now - MARGIN
        baseline = mark is None
        found = [
            *_meetings(since, now, everything=baseline),
            *_minutes(since, everything=baseline),
            *_documents(since),
            *_actions(),
            *_consultations(),
        ]
        known = _known(found)
        new = [
            Event(
                kind=kind,
                key=key,
                object_id=object_id,
                is_new=is_new,
                seen_at=now,
                baseline=baseline,
                dispatched=baseline,
            )
            for kind, key, object_id, is_new in found
            if (kind, key) not in known
        ]
        Event.objects.bulk_create(new, ignore_conflicts=True)
        if mark is None:
            Scan.objects.create(scanned_at=now)
        else:
            mark.scanned_at = now
            mark.save(update_fields=["scanned_at"])
    return len(new)


def _known(found: list[Found]) -> set[tuple[str, str]]:
    keys = sorted({key for _, key, _, _ in found})
    known: set[tuple[str, str]] = set()
    for start in range(0, len(keys), 500):
        rows = Event.objects.filter(key__in=keys[start : start + 500])
        known.update(rows.values_list("kind", "key"))
    return known


def _meetings(since: dt.datetime, now: dt.datetime, *, everything: bool) -> Iterator[Found]:
    today = now.astimezone(AMSTERDAM).date()
    meetings = Meeting.objects.filter(date__gte=today)
    if not everything:
        meetings = meetings.filter(updated_at__gte=since)
    for pk, version, created_at in meetings.values_list("pk", "version", "created_at"):
        yield Kind.MEETINGS, f"{pk}:{version}", pk, created_at >= since


def _minutes(since: dt.datetime, *, everything: bool) -> Iterator[Found]:
    meetings = Meeting.objects.exclude(minutes="")
    if not everything:
        meetings = meetings.filter(updated_at__gte=since)
    for pk in meetings.values_list("pk", flat=True):
        yield Kind.MINUTES, str(pk), pk, True


def _documents(since: dt.datetime) -> Iterator[Found]:
    for pk in Document.objects.filter(created_at__gte=since).values_list("pk", flat=True):
        yield Kind.DOCUMENTS, str(pk), pk, True


def _actions() -> Iterator[Found]:
    actions = ActionItem.objects.exclude(status=ActionStatus.DONE).filter(owner__isnull=False)
    for pk, owner_id in actions.values_list("pk", "owner_id"):
        yield Kind.ACTIONS, f"{pk}:{owner_id}", pk, True


def _consultations() -> Iterator[Found]:
    for pk in LobbyAction.objects.filter(stage=Stage.CONSULTATION).values_list("pk", flat=True):
        yield Kind.CONSULTATIONS, str(pk), pk, True
