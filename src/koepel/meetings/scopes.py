"""The scopes the writes of meetings stay in, for the parts of pages kept per data version
(``koepel.core.caching``): the meetings of one body.

A meeting's page and a body's page show the meetings of their bodies with everything recorded
at them: agenda, guests, invitations and answers, decisions, actions and minutes. A write of
one of those parts gives only its meeting's bodies a new token (``meetings@body-12``), so that a
secretary adding an action leaves the pages of every other body kept. A write of a meeting
itself (its title, date, bodies or visibility, which lists show and the access rules read) is
wide: every meetings part is built afresh. Its minutes alone are shown on its own page only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from koepel.core import caching
from koepel.registry.models import body_scope

KIND = "meetings"

# The fields a save of the minutes names (``services.minutes_save``, with the locking's own).
MINUTES_FIELDS = frozenset({"minutes", "minutes_version", "updated_at"})


def kinds_of_bodies(body_ids: Iterable[int]) -> tuple[str, ...]:
    """The kinds to keep a part under that shows the meetings of these bodies (of none: every
    write of a meeting)."""
    scopes = [body_scope(pk) for pk in sorted(set(body_ids))] or [caching.WIDE]
    return tuple(caching.scoped(KIND, scope) for scope in scopes)


def bodies_of(*meeting_ids: int | None) -> set[int]:
    """The bodies that organise these meetings."""
    from koepel.meetings.models import Meeting

    ids = [pk for pk in meeting_ids if pk]
    if not ids:
        return set()
    through = Meeting.bodies.through._default_manager
    return set(through.filter(meeting_id__in=ids).values_list("body_id", flat=True))


def _scopes(bodies: set[int]) -> list[str] | None:
    # A part of no body's meeting (never made by the services): wide, to be safe.
    return [body_scope(pk) for pk in sorted(bodies)] or None


def of_meeting(meeting: Any, fields: frozenset[str] | None) -> list[str] | None:
    if fields is None or not fields <= MINUTES_FIELDS:
        return None
    return _scopes(bodies_of(meeting.pk))


def of_meeting_part(row: Any, fields: frozenset[str] | None) -> list[str] | None:
    return _scopes(bodies_of(row.meeting_id))


def of_action(action: Any, fields: frozenset[str] | None) -> list[str] | None:
    """An action shows on its body's pages, and on the pages of the meetings it was raised and
    done at."""
    return _scopes({action.body_id, *bodies_of(action.meeting_id, action.done_in_id)} - {None})


def declare() -> None:
    from koepel.meetings.models import ActionItem, AgendaItem, Decision, Guest, Invitation, Meeting

    caching.scope_writes(Meeting, of_meeting)
    for part in (AgendaItem, Decision, Guest, Invitation):
        caching.scope_writes(part, of_meeting_part)
    caching.scope_writes(ActionItem, of_action)
