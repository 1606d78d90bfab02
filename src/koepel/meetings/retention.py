"""Meetings' part in removing personal data past its retention (koepel.core.retention): the
secret addresses of people's own calendar feeds. Invitations and attendance stay: they are
part of the record of a meeting."""

from __future__ import annotations

from koepel.core.retention import Expiry, Outcome
from koepel.meetings.models import CalendarToken


def calendar_addresses(expiry: Expiry, dry_run: bool) -> Outcome:
    tokens = CalendarToken.objects.filter(person_id__in=expiry.people)
    if dry_run:
        return Outcome("agenda-adressen", tokens.count())
    count, _ = tokens.delete()
    return Outcome("agenda-adressen", count)


STEPS = [calendar_addresses]
