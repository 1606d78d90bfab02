"""Meetings as iCalendar (RFC 5545): feeds per body and per person, and e-mail attachments.

A meeting known only to the month or the year is left out: a calendar needs a day, and Koepel
never invents one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)

from koepel import __version__
from koepel.core.dates import Precision
from koepel.core.validators import one_line
from koepel.meetings.models import AMSTERDAM, Format, Invitation, Meeting, Status

PRODID = f"-//Koepel//Koepel {__version__}//NL"


def _amsterdam() -> Timezone:
    """The VTIMEZONE for Europe/Amsterdam: CET in winter, CEST in summer (EU rules)."""
    zone = Timezone()
    zone.add("tzid", "Europe/Amsterdam")
    summer = TimezoneDaylight()
    summer.add("tzname", "CEST")
    summer.add("dtstart", dt.datetime(1981, 3, 29, 2, 0))  # noqa: DTZ001 - local rule time
    summer.add("rrule", {"freq": "yearly", "bymonth": 3, "byday": "-1su"})
    summer.add("tzoffsetfrom", dt.timedelta(hours=1))
    summer.add("tzoffsetto", dt.timedelta(hours=2))
    winter = TimezoneStandard()
    winter.add("tzname", "CET")
    winter.add("dtstart", dt.datetime(1996, 10, 27, 3, 0))  # noqa: DTZ001 - local rule time
    winter.add("rrule", {"freq": "yearly", "bymonth": 10, "byday": "-1su"})
    winter.add("tzoffsetfrom", dt.timedelta(hours=2))
    winter.add("tzoffsetto", dt.timedelta(hours=1))
    zone.add_component(summer)
    zone.add_component(winter)
    return zone


def meeting_url(meeting: Meeting) -> str:
    return f"{settings.KOEPEL_BASE_URL}{meeting.get_absolute_url()}"


def event_for(meeting: Meeting) -> Event | None:
    if meeting.date_precision != Precision.DAY:
        return None
    event = Event()
    event.add("uid", f"{meeting.uid}@koepel")
    event.add("dtstamp", timezone.now())
    event.add("summary", meeting.title)
    starts_at, ends_at = meeting.starts_at, meeting.ends_at
    if starts_at is not None:
        event.add("dtstart", starts_at.astimezone(AMSTERDAM))
        if ends_at is not None:
            event.add("dtend", ends_at.astimezone(AMSTERDAM))
    else:
        event.add("dtstart", meeting.date)
        event.add("dtend", (meeting.end_date or meeting.date) + dt.timedelta(days=1))
    location = meeting.location or ("Online" if meeting.format == Format.ONLINE else "")
    if location:
        event.add("location", location)
    url = meeting_url(meeting)
    event.add("url", url)
    event.add("description", f"{meeting.description}\n\n{url}".strip())
    event.add("status", "CANCELLED" if meeting.status == Status.CANCELLED else "CONFIRMED")
    event.add("sequence", meeting.sequence)
    return event


def calendar_for(
    meetings: Iterable[Meeting], *, name: str, method: str | None = None, description: str = ""
) -> bytes:
    """The meetings as one calendar; ``description`` (X-WR-CALDESC) says what a feed holds."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(name))  # not escaped like a summary: one line
    if description:
        calendar.add("x-wr-caldesc", one_line(description))
    calendar.add("x-wr-timezone", "Europe/Amsterdam")
    if method:
        calendar.add("method", method)
    calendar.add_component(_amsterdam())
    for meeting in meetings:
        event = event_for(meeting)
        if event is not None:
            calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    # A parameter value is quoted when it holds a comma, colon or semicolon (RFC 5545, 3.2).
    address.params["cn"] = vText(one_line(name))
    for key, value in params.items():
        address.params[key] = vText(value)
    return address


def invitation_calendar(
    meeting: Meeting, invitation: Invitation, *, method: str, organizer: tuple[str, str]
) -> bytes:
    """The meeting as an iTIP message (RFC 5546) to one invitee: REQUEST for an invitation
    or a change, CANCEL for a cancellation; with the organiser and that invitee as the
    attendee, so that a calendar offers to accept or decline. Each invitee's mail names only
    themselves: who else is invited is for members of the network (docs/design.md)."""
    event = event_for(meeting)
    if event is None:
        raise ValueError("A meeting without a day has no calendar entry.")
    name, email = organizer
    event.add("organizer", _address(email, name))
    event.add(
        "attendee",
        _address(
            invitation.address,
            invitation.invitee_name,
            cutype="INDIVIDUAL",
            role="REQ-PARTICIPANT",
            partstat="NEEDS-ACTION",
            rsvp="TRUE",
        ),
    )
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", one_line(meeting.title))
    calendar.add("method", method)
    calendar.add_component(_amsterdam())
    calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content
