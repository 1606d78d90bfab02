"""Personal API tokens: made and revoked by their owner in the browser, kept only as a hash."""

from __future__ import annotations

import hashlib
import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The visible start of every token, so a leaked one is recognisable in logs and by scanners.
TOKEN_PREFIX = "koepel_"  # noqa: S105  # nosec B105: a public marker, not a secret


def token_hash(token: str) -> str:
    """The stored form of a token. Tokens are long and random, so a plain SHA-256 (no salt,
    no stretching) is enough and lets a request find its token by one indexed lookup."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("account"),
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, such as “website”.")
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters, shown in the list so the owner can tell tokens apart.
    hint = models.CharField(max_length=16, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    # After this moment the token no longer works; empty: until it is revoked.
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    # A read-only token reads what its owner may read and changes nothing.
    read_only = models.BooleanField(
        _("read only"),
        default=False,
        help_text=_("The token may read, but not create, change or delete anything."),
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.hint}…)"

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def is_active(self) -> bool:
        """Whether the token still works (as far as the token itself goes: its owner's account
        must also meet the rules of signing in, see ``authentication``)."""
        return self.revoked_at is None and not self.is_expired
