"""The link in an invitation mail that answers it without signing in.

The link carries the invitation's number and meeting, signed with the site's secret key
(``django.core.signing``) and dated: it answers that one invitation and nothing else, and
stops working ``KOEPEL_ANSWER_LINK_DAYS`` after it was mailed. A link that was altered, made
up, or given for an invitation since withdrawn is refused with a page that says so."""

from __future__ import annotations

import datetime as dt
import enum

from django.conf import settings
from django.core import signing
from django.urls import reverse

from koepel.accounts.access import can_view, viewer_for_person
from koepel.meetings.models import Invitation

SALT = "koepel.meetings.answer-link"


class Refused(enum.Enum):
    FORGED = "forged"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"


class LinkRefused(Exception):
    def __init__(self, reason: Refused) -> None:
        super().__init__(reason.value)
        self.reason = reason


def max_age() -> dt.timedelta:
    return dt.timedelta(days=settings.KOEPEL_ANSWER_LINK_DAYS)


def token_for(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "m": invitation.meeting_id}, salt=SALT, compress=True)


def url_for(invitation: Invitation) -> str:
    path = reverse("meetings:answer-link", args=[token_for(invitation)])
    return f"{settings.KOEPEL_BASE_URL}{path}"


def invitation_for(token: str) -> Invitation:
    """The invitation a link answers; LinkRefused says why there is none."""
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age())
    except signing.SignatureExpired as error:
        raise LinkRefused(Refused.EXPIRED) from error
    except signing.BadSignature as error:
        raise LinkRefused(Refused.FORGED) from error
    if not (
        isinstance(data, dict) and isinstance(data.get("i"), int) and isinstance(data.get("m"), int)
    ):
        raise LinkRefused(Refused.FORGED)
    invitation = (
        Invitation.objects.select_related("meeting", "person")
        .filter(pk=data["i"], meeting_id=data["m"])
        .first()
    )
    if invitation is None:
        raise LinkRefused(Refused.WITHDRAWN)
    # A person invited from the registry sees the meeting through the one check, like on every
    # other way out: someone who has since left the body, or a meeting made more restricted,
    # gets the link refused. A guest from outside, invited by address alone, was shown the
    # meeting by whoever invited them.
    if invitation.person_id is not None and not can_view(
        viewer_for_person(invitation.person_id), invitation.meeting
    ):
        raise LinkRefused(Refused.WITHDRAWN)
    return invitation
