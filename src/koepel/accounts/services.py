"""Writes to accounts."""

from __future__ import annotations

import secrets

from django.db import transaction

from koepel.accounts.models import User


@transaction.atomic
def office_account_create(*, username: str) -> tuple[User, str]:
    """Create an office account with a newly generated password, returned once."""
    password = secrets.token_urlsafe(18)
    user = User(username=username, is_office=True, is_staff=True, is_superuser=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user, password
