"""Lockout after repeated failed sign-ins: what the locked-out person is told, what the network
office sees and how it lifts a lockout.

django-axes does the counting and the refusing (its authentication backend and middleware);
this module is the part that speaks to people.
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


def lockout_ends(username: str) -> dt.datetime | None:
    """When the lockout of this user name ends, or None when it is not locked out.

    The lock holds while the failures of the cool-off period reach the limit; it ends at the
    latest one cool-off period after the last counted failure."""
    since = timezone.now() - _cool_off()
    found = AccessAttempt.objects.filter(username=username, attempt_time__gte=since).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time")
    )
    if not found["failures"] or found["failures"] < settings.AXES_FAILURE_LIMIT:
        return None
    last: dt.datetime = found["last"]
    return last + _cool_off()


def lockouts_current() -> list[Lockout]:
    """Every user name locked out now, the most recent first (two queries)."""
    since = timezone.now() - _cool_off()
    rows = list(
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("-last")
    )
    names = [row["username"] for row in rows]
    accounts = {user.username: user for user in User.objects.filter(username__in=names)}
    addresses: dict[str, set[str]] = {}
    for username, address in AccessAttempt.objects.filter(
        username__in=names, attempt_time__gte=since
    ).values_list("username", "ip_address"):
        if address:
            addresses.setdefault(username, set()).add(address)
    return [
        Lockout(
            username=row["username"],
            account=accounts.get(row["username"]),
            failures=row["failures"],
            last_attempt=row["last"],
            ends=row["last"] + _cool_off(),
            addresses=tuple(sorted(addresses.get(row["username"], ()))),
        )
        for row in rows
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
    ends = lockout_ends(username) or timezone.now() + _cool_off()
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
    # carries the count of failures, so the office gets one e-mail per lockout.
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    recipients = list(
        User.objects.filter(is_active=True, is_office=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not recipients:
        return
    name = username or ""
    ends = lockout_ends(name) or timezone.now() + _cool_off()
    with translation.override("nl"):
        body = render_to_string(
            "accounts/mail/lockout.txt",
            {
                "username": name,
                "account": User.objects.filter(username=name).first(),
                "ip_address": ip_address or "onbekend",
                "ends": timezone.localtime(ends),
                "limit": settings.AXES_FAILURE_LIMIT,
                "url": f"{settings.KOEPEL_BASE_URL}{reverse('accounts:lockouts')}",
            },
        )
    # Only queued here: the task worker sends it, so a mail server that is down cannot turn the
    # lockout into an error page. The office also finds the lockout on its page.
    send_mail(
        subject=f"Account geblokkeerd na mislukte inlogpogingen: {name}",
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
    )
