"""Sign-in accounts. An account is not a person: it may be linked to one (docs/design.md)."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterator
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device

from koepel.registry.models import Person

SESSION_HASH_SALT = "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash"


class User(AbstractUser):  # type: ignore[django-manager-missing]  # django-otp is untyped
    person = models.OneToOneField(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("person"),
        help_text=_("The person this account belongs to; their roles decide what it may see."),
    )
    is_office = models.BooleanField(
        _("network office"),
        default=False,
        help_text=_("The network office reads and edits every record."),
    )
    # Raised by "sign out everywhere": every session signed in before no longer matches the
    # account (see get_session_auth_hash), as after a change of password.
    sign_out_count = models.PositiveIntegerField(default=0, editable=False)

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.person.name if self.person else self.username

    def _session_hash(self, secret: str | bytes | None = None) -> str:
        # Django's own hash of the password (so a new password ends every other session), with
        # the count of "sign out everywhere" added once there has been one: until then the
        # hash is Django's, and sessions from before this field existed stay valid.
        value = self.password
        if self.sign_out_count:
            value = f"{value}:{self.sign_out_count}"
        return salted_hmac(SESSION_HASH_SALT, value, secret=secret, algorithm="sha256").hexdigest()

    def get_session_auth_hash(self) -> str:
        return self._session_hash()

    def get_session_auth_fallback_hash(self) -> Iterator[str]:
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_hash(secret=fallback_secret)


def link_key_hash(key: str) -> str:
    """The stored form of a link's key. Keys are long and random, so a plain SHA-256 is enough
    and lets a request find its link by one indexed lookup (as the API's tokens do)."""
    return hashlib.sha256(key.encode()).hexdigest()


def new_link_key() -> str:
    return secrets.token_urlsafe(32)


class AccountLink(models.Model):
    """A link sent by e-mail that lets whoever holds it choose the account's password: an
    invitation to a new account, or a link to reset a forgotten password. Only its hash is
    kept; it works once, until ``expires_at``, and not after a newer link replaced it."""

    class Purpose(models.TextChoices):
        INVITATION = "invitation", _("invitation")
        RESET = "reset", _("password reset")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="links",
        verbose_name=_("account"),
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The language of the mail and of the page the link opens.
    language = models.CharField(_("language"), max_length=8, default="nl")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When a newer link of the same kind was sent, or the account was switched off.
    replaced_at = models.DateTimeField(null=True, blank=True, editable=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )

    class Meta:
        verbose_name = _("account link")
        verbose_name_plural = _("account links")
        ordering: ClassVar = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} {self.user}"

    @property
    def is_open(self) -> bool:
        """Whether the link still works."""
        return (
            self.used_at is None and self.replaced_at is None and self.expires_at > timezone.now()
        )


class ResetRequest(models.Model):
    """One request for a password reset link, counted to limit them per address and per
    client. The address is kept only as a keyed hash, whether or not an account has it."""

    address_hash = models.CharField(max_length=64, db_index=True)
    client = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    requested_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("password reset request")
        verbose_name_plural = _("password reset requests")

    def __str__(self) -> str:
        return f"{self.requested_at:%Y-%m-%d %H:%M}"


class AllowedDomain(models.Model):
    """An e-mail domain whose addresses may sign in through the network's own identity
    provider (OpenID Connect, docs/security.md). The office keeps the list; a person is matched
    by the verified address the provider gives only when its domain is on it."""

    domain = models.CharField(
        _("domain"),
        max_length=253,
        unique=True,
        help_text=_("The part of the address after the @, such as utrecht.nl."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )

    class Meta:
        verbose_name = _("allowed domain")
        verbose_name_plural = _("allowed domains")
        ordering: ClassVar = ["domain"]

    def __str__(self) -> str:
        return self.domain


class ProviderDevice(Device):
    """The second step as the identity provider asserted it at sign-in (``amr``/``acr``). It
    takes no code: a session is marked with it only by signing in through the provider with a
    second factor, as a session is marked with the app that gave the right code. Removing it
    (a reset of the second step) ends that mark in every session at once."""

    class Meta:
        verbose_name = _("second step at the identity provider")
        verbose_name_plural = _("second steps at the identity provider")

    def verify_token(self, token: Any) -> bool:
        return False
