"""Accounts' part in removing personal data past its retention (koepel.core.retention): the
sign-in accounts of those people (with their second factor), and sign-in sessions that have
expired."""

from __future__ import annotations

from django.contrib.sessions.models import Session
from django.utils import timezone

from koepel.accounts.models import User
from koepel.accounts.services import account_delete
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


STEPS = [accounts, expired_sessions]
