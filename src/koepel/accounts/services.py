"""Writes to accounts."""

from __future__ import annotations

import secrets

from django.db import transaction

from koepel.accounts.models import User
from koepel.core.locking import save_versioned


@transaction.atomic
def office_account_create(*, username: str) -> tuple[User, str]:
    """Create an office account with a newly generated password, returned once."""
    password = secrets.token_urlsafe(18)
    user = User(username=username, is_office=True, is_staff=True, is_superuser=True)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user, password


@transaction.atomic
def user_save(*, user: User, expected_version: int | None = None) -> User:
    """Save an account edited in the admin; refused with EditConflict when someone saved it
    since ``expected_version`` (None: no check)."""
    save_versioned(user, expected_version=expected_version)
    return user
