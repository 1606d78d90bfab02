"""E-mails about meetings — invitation, change, cancellation, reinstatement — each in the language of the
person it goes to, as text and HTML, with the meeting attached as an iTIP message (.ics) and a
link to answer without signing in. Queued in the transaction of the change itself; the task
worker sends them once it commits (koepel.core.mail)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from koepel.core import caching
from koepel.core.dates import Precision
from koepel.core.mail_templates import in_language, templated_mail
from koepel.meetings import answer_links
from koepel.meetings.ical import invitation_calendar, meeting_url
from koepel.meetings.models import Invitation, Meeting
from koepel.registry.models import Meaning, Network, Role, Term, Vocabulary


@dataclass(frozen=True)
class NotMailed:
    """Someone invited who got no mail, and why."""

    invitation: Invitation
    reason: str


def organizer_of(meeting: Meeting) -> tuple[str, str]:
    """The organiser a calendar shows and answers to: the secretary of the meeting's (first)
    body with an e-mail address, else the network at the address Koepel mails from."""
    role = (
        Role.objects.current()
        .filter(
            body__in=meeting.bodies.all(),
            function__in=Term.objects.filter(
                vocabulary=Vocabulary.FUNCTION, meaning=Meaning.SECRETARY
            ).values("code"),
            person__isnull=False,
        )
        .exclude(person__email="")
        .select_related("person")
        .order_by("body__name", "pk")
        .first()
    )
    if role is not None and role.person is not None:
        return role.person.name, role.person.email
    network = Network.objects.only("name").first()
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return (network.name if network else name or "Koepel"), address


def send_meeting_mail(
    kind: str, meeting: Meeting, invitations: Iterable[Invitation]
) -> list[NotMailed]:
    """Queue one e-mail per invitation with an address and mark it mailed; returns those who
    could not be mailed, and why, for the page to list — nobody is skipped in silence. A
    message that cannot be sent raises ValidationError, so the service that called this saves
    nothing: nobody is marked invited without their mail."""
    method = "CANCEL" if kind == "cancellation" else "REQUEST"
    subjects = {
        "invitation": lambda title: _("Invitation: %(title)s") % {"title": title},
        "change": lambda title: _("Changed: %(title)s") % {"title": title},
        "cancellation": lambda title: _("Cancelled: %(title)s") % {"title": title},
        "reinstatement": lambda title: _("Goes ahead after all: %(title)s") % {"title": title},
    }
    organizer = organizer_of(meeting)
    network = Network.objects.only("name").first()
    attached = meeting.date_precision == Precision.DAY
    not_mailed: list[NotMailed] = []
    mailed: list[int] = []
    now = timezone.now()
    for invitation in invitations:
        address = invitation.address
        if not address:
            not_mailed.append(NotMailed(invitation, _("no e-mail address")))
            continue
        language = invitation.mail_language
        with in_language(language):
            subject = subjects[kind](meeting.title)
        message = templated_mail(
            f"meetings/mail/{kind}",
            {
                "meeting": meeting,
                "name": invitation.invitee_name,
                "url": meeting_url(meeting),
                "answer_url": answer_links.url_for(invitation) if method == "REQUEST" else "",
                "attached": attached,
                "network_name": network.name if network else "",
            },
            subject=subject,
            to=address,
            language=language,
        )
        try:
            if attached:
                message.attach(
                    "bijeenkomst.ics",
                    invitation_calendar(meeting, invitation, method=method, organizer=organizer),
                    f"text/calendar; method={method}",
                )
            message.send()
        except ValueError as error:  # BadHeaderError among them: an unusable address
            raise ValidationError(
                _(
                    "The e-mail to %(name)s cannot be sent: check this person's e-mail "
                    "address. Nothing has been saved."
                )
                % {"name": invitation.invitee_name},
                code="mail_not_sendable",
            ) from error
        invitation.mailed_at = now
        mailed.append(invitation.pk)
    # When it was mailed is a fact about the queue, not an edit: no new version, no trail.
    Invitation.objects.filter(pk__in=mailed).update(mailed_at=now)
    caching.bump("meetings")
    return not_mailed
