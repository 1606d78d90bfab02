"""Lockout after repeated failed sign-ins: what the locked-out person is told, what the network
office sees and how it lifts a lockout.

django-axes does the counting and the refusing (its authentication backend and middleware);
this module is the part that speaks to people. A lockout holds for one user name at one client
address (``AXES_LOCKOUT_PARAMETERS``): the same name signs in from anywhere else.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db.models import Max, Sum
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from koepel.accounts.access import viewer_for
from koepel.accounts.models import User
from koepel.core.clients import client_address
from koepel.core.validators import one_line

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Lockout:
    username: str
    account: User | None
    failures: int
    last_attempt: dt.datetime
    ends: dt.datetime
    addresses: tuple[str, ...]


def _cool_off() -> dt.timedelta:
    cool_off: dt.timedelta = settings.AXES_COOLOFF_TIME
    return cool_off


def lockout_ends(username: str, ip_address: str | None) -> dt.datetime | None:
    """When the lockout of this user name at this address ends, or None when it is not locked
    out there.

    The lock holds while the failures of the cool-off period reach the limit; it ends at the
    latest one cool-off period after the last counted failure."""
    since = timezone.now() - _cool_off()
    found = AccessAttempt.objects.filter(
        username=username, ip_address=ip_address, attempt_time__gte=since
    ).aggregate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if not found["failures"] or found["failures"] < settings.AXES_FAILURE_LIMIT:
        return None
    last: dt.datetime = found["last"]
    return last + _cool_off()


def _locked_places(**filters: Any) -> list[dict[str, Any]]:
    """The (user name, address) pairs locked out now, with their failures and last attempt."""
    since = timezone.now() - _cool_off()
    return list(
        AccessAttempt.objects.filter(attempt_time__gte=since, **filters)
        .values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )


def lockouts_current() -> list[Lockout]:
    """Every user name locked out now somewhere, the most recent first, with the addresses it
    is locked out at (two queries)."""
    places: dict[str, list[dict[str, Any]]] = {}
    for row in _locked_places():
        places.setdefault(row["username"], []).append(row)
    accounts = {user.username: user for user in User.objects.filter(username__in=list(places))}
    return [
        Lockout(
            username=username,
            account=accounts.get(username),
            failures=sum(row["failures"] for row in rows),
            last_attempt=rows[0]["last"],
            ends=rows[0]["last"] + _cool_off(),
            addresses=tuple(sorted({row["ip_address"] for row in rows if row["ip_address"]})),
        )
        for username, rows in places.items()
    ]


def lockout_lift(*, username: str, actor: Any) -> int:
    """Let this user name sign in again at once; returns how many counted attempts were
    cleared. Only the network office may do this."""
    if not viewer_for(actor).is_office:
        raise PermissionDenied
    cleared: int = reset(username=username)
    logger.warning("Lockout of %r lifted by %s.", username, actor)
    return cleared


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The page a locked-out person sees instead of the sign-in form (AXES_LOCKOUT_CALLABLE)."""
    username = str((credentials or {}).get("username") or "")
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    ends = lockout_ends(username, address) or timezone.now() + _cool_off()
    local_end = timezone.localtime(ends)
    minutes = max(1, round((ends - timezone.now()).total_seconds() / 60))
    # Rendered here: the axes middleware hands this response back after the template
    # responses of the view have been rendered.
    return render(
        request,
        "accounts/locked_out.html",
        {
            "ends": local_end,
            "ends_today": local_end.date() == timezone.localdate(),
            "minutes": minutes,
            "limit": settings.AXES_FAILURE_LIMIT,
        },
        status=429,  # Too Many Requests
    )


@receiver(user_locked_out, dispatch_uid="koepel-tell-office-of-lockout")
def _tell_office(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    # Axes sends this signal for every refused attempt; only the failure that starts a lockout
    # carries the count of failures.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    name = username or ""
    account = User.objects.filter(username=name).first()
    if account is None:
        # Guessing at names that do not exist endangers no account: the lockouts page shows it,
        # the office's mailbox is not flooded with it.
        logger.warning("Lockout of a user name without an account, from %r.", ip_address)
        return
    if any(row["ip_address"] != ip_address for row in _locked_places(username=name)):
        # Already locked out elsewhere: the office was told when that lockout started, and one
        # mail per account while lockouts follow each other is enough.
        return
    recipients = list(
        User.objects.filter(is_active=True, is_office=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    ends = lockout_ends(name, ip_address) or timezone.now() + _cool_off()
    # What someone typed at sign-in goes into a mail: on one line, so it can neither break the
    # mail's headers nor pass for a line of the office's own text.
    shown_name = one_line(account.get_username())
    with translation.override("nl"):
        body = render_to_string(
            "accounts/mail/lockout.txt",
            {
                "username": shown_name,
                "account_name": one_line(str(account)),
                "ip_address": one_line(ip_address or "") or "onbekend",
                "ends": timezone.localtime(ends),
                "limit": settings.AXES_FAILURE_LIMIT,
                "url": f"{settings.KOEPEL_BASE_URL}{reverse('accounts:lockouts')}",
            },
        )
    # Only queued here: the task worker sends it, so a mail server that is down cannot turn the
    # lockout into an error page. The office also finds the lockout on its page.
    send_mail(
        subject=f"Account geblokkeerd na mislukte inlogpogingen: {shown_name}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
