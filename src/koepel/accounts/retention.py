"""Accounts' part in removing personal data past its retention (koepel.core.retention): the
sign-in accounts of those people (with their second factor), sign-in sessions that have
expired, and the lockout's records of sign-in attempts (with their IP addresses) older than the
period."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.sessions.models import Session
from django.db import models
from django.utils import timezone

from koepel.accounts.models import ResetRequest, User
from koepel.accounts.services import RESET_WINDOW, account_delete
from koepel.core.retention import Expiry, Outcome


def accounts(expiry: Expiry, dry_run: bool) -> Outcome:
    users = User.objects.filter(person_id__in=expiry.people).order_by("pk")
    if dry_run:
        return Outcome("accounts", users.count())
    count = 0
    for user in users:
        account_delete(user=user)
        count += 1
    return Outcome("accounts", count)


def expired_sessions(expiry: Expiry, dry_run: bool) -> Outcome:
    # A session names its account (and the device that verified it); once expired it serves
    # nobody, so it does not wait for the retention period.
    sessions = Session.objects.filter(expire_date__lt=timezone.now())
    if dry_run:
        return Outcome("verlopen inlogsessies", sessions.count())
    count, _ = sessions.delete()
    return Outcome("verlopen inlogsessies", count)


def _old_sign_ins(model: type[models.Model], what: str) -> Any:
    def step(expiry: Expiry, dry_run: bool) -> Outcome:
        # Each record holds an IP address, a user agent and the name typed in; past the period
        # none of it is needed, so the record goes as a whole.
        old = model._default_manager.filter(attempt_time__lt=expiry.before)
        if dry_run:
            return Outcome(what, old.count())
        return Outcome(what, old.delete()[1].get(model._meta.label, 0))

    step.__name__ = f"old_{model._meta.model_name}"
    return step


old_sign_ins = _old_sign_ins(AccessLog, "inlogregistraties (aanmelden en afmelden)")
old_attempts = _old_sign_ins(AccessAttempt, "tellingen van mislukte inlogpogingen")
old_failures = _old_sign_ins(AccessFailureLog, "mislukte inlogpogingen")


def old_reset_requests(expiry: Expiry, dry_run: bool) -> Outcome:
    # Each holds a client address; it counts only for the hour of the limit, so it does not wait
    # for the retention period either (each new request also clears the old ones).
    old = ResetRequest.objects.filter(requested_at__lt=timezone.now() - RESET_WINDOW)
    what = "aanvragen van een nieuw wachtwoord (voor de limiet)"
    if dry_run:
        return Outcome(what, old.count())
    return Outcome(what, old.delete()[0])


STEPS = [accounts, expired_sessions, old_sign_ins, old_attempts, old_failures, old_reset_requests]
