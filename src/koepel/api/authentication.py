"""Stateless API authentication: ``Authorization: Token <token>`` on every request.

A token acts as its owner only while the owner's account would be let in on the pages: the
account is active, and whoever must sign in with two steps (the office, secretaries) has set up
a second factor. A token that is revoked, expired or unknown is refused as not signed in (401);
a valid token of an account that owes a second factor is refused as not allowed (403), with the
way out in the answer, whether it reads or writes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from koepel.accounts.services import owes_second_factor
from koepel.api.models import ApiToken, token_hash

# Writing "last used" on every request would turn each read into a write; once a minute is
# enough to tell the owner whether a token is still in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)

SET_UP_SECOND_FACTOR = _(
    "Your account must sign in with two steps before this token works again. Sign in on the "
    "website and set up two-step sign-in; your token then works as before."
)


class TokenAuthentication(authentication.BaseAuthentication):
    keyword = "Token"

    def authenticate(self, request: Request) -> tuple[Any, ApiToken] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() not in {b"token", b"bearer"}:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Give the token after the word Token, with one space between them.")
            )
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError as error:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from error
        now = timezone.now()
        token = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=token_hash(secret), revoked_at__isnull=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                _("This token is not valid, has expired or has been revoked.")
            )
        if owes_second_factor(user=token.user):
            raise exceptions.PermissionDenied(SET_UP_SECOND_FACTOR)
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword
