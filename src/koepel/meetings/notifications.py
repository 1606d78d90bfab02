"""E-mails about meetings — invitation, change, cancellation — in Dutch, with the meeting
attached as .ics and a link to answer. Queued in the transaction of the change itself; the task
worker sends them once it commits (koepel.core.mail)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from koepel.core.validators import one_line
from koepel.meetings.ical import calendar_for, meeting_url
from koepel.meetings.models import Meeting
from koepel.registry.models import Person

SUBJECTS = {
    "invitation": "Uitnodiging: {title}",
    "change": "Gewijzigd: {title}",
    "cancellation": "Geannuleerd: {title}",
}


def send_meeting_mail(kind: str, meeting: Meeting, people: Iterable[Person]) -> int:
    """Queue one e-mail per person with an address; returns how many were queued. A message
    that cannot be sent raises ValidationError, so the service that called this saves nothing:
    nobody is marked invited without their mail."""
    recipients = [person for person in people if person.email]
    if not recipients:
        return 0
    method = "CANCEL" if kind == "cancellation" else "REQUEST"
    attachment = calendar_for([meeting], name=meeting.title, method=method)
    sent = 0
    failed: tuple[Person, ValueError] | None = None
    with translation.override("nl"):
        for person in recipients:
            body = render_to_string(
                f"meetings/mail/{kind}.txt",
                {"meeting": meeting, "person": person, "url": meeting_url(meeting)},
            )
            message = EmailMessage(
                # A subject is one line, whatever the title was stored with.
                subject=SUBJECTS[kind].format(title=one_line(meeting.title)),
                body=body,
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[person.email],
            )
            if meeting.date_precision == "day":
                message.attach("bijeenkomst.ics", attachment, f"text/calendar; method={method}")
            try:
                sent += message.send()
            except ValueError as error:  # BadHeaderError among them: an unusable address
                failed = (person, error)
                break
    if failed is not None:
        raise ValidationError(
            _(
                "The e-mail to %(name)s cannot be sent: check this person's e-mail address. "
                "Nothing has been saved."
            )
            % {"name": failed[0].name},
            code="mail_not_sendable",
        ) from failed[1]
    return sent
