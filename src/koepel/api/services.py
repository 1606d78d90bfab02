"""Writes to API tokens."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from koepel.accounts.models import User
from koepel.api.models import ApiToken, new_token, token_hash

MAX_ACTIVE_TOKENS = 20


@transaction.atomic
def token_create(
    *,
    user: User,
    name: str,
    expires_at: dt.datetime | None = None,
    read_only: bool = False,
) -> tuple[ApiToken, str]:
    """A new token for the user, valid until ``expires_at`` (None: until revoked), and able
    to change records unless ``read_only``. The secret is returned once and never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Give the token a name, such as “website”.")})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_at": _("Choose a moment in the future.")})
    active = ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_TOKENS:
        raise ValidationError(
            _("You have %(count)d tokens in use. Revoke one you no longer need first.")
            % {"count": MAX_ACTIVE_TOKENS}
        )
    secret = new_token()
    token = ApiToken(
        user=user,
        name=name,
        key_hash=token_hash(secret),
        hint=secret[:12],
        expires_at=expires_at,
        read_only=read_only,
    )
    token.full_clean()
    token.save()
    return token, secret


@transaction.atomic
def token_revoke(*, user: User, token: ApiToken) -> ApiToken:
    if token.user_id != user.pk:
        raise PermissionDenied(_("This token is not yours."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@transaction.atomic
def tokens_revoke_all(user: User) -> int:
    """Revoke every token of the user still in use (a reset second factor, a blocked account);
    returns how many. One save per token, so that the trail records each revocation."""
    now = timezone.now()
    tokens = list(ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True))
    for token in tokens:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    return len(tokens)
