"""Writes to accounts: office accounts and the second factor at sign-in."""

from __future__ import annotations

import secrets
from base64 import b32encode
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from koepel.accounts import access, credentials
from koepel.accounts.models import User
from koepel.core.locking import save_versioned

# How many recovery codes an account gets at a time; each works once.
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "app"
RECOVERY_DEVICE_NAME = "herstelcodes"


@transaction.atomic
def office_account_create(
    *, username: str, email: str = "", password: str | None = None
) -> tuple[User, str]:
    """Create an office account with the password given (held to the password rules) or a
    newly generated one; the password is returned, to be shown once.

    The account has no second factor yet: its first sign-in leads to setting one up.
    """
    user = User(username=username, email=email, is_office=True, is_staff=True, is_superuser=True)
    errors: dict[str, list[str]] = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as error:
        errors.update(error.message_dict)
    if password is None:
        password = secrets.token_urlsafe(18)
    else:
        try:
            password_validation.validate_password(password, user)
        except ValidationError as error:
            errors["password"] = error.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    user.save()
    return user, password


def second_factor_device(*, user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def recovery_device(*, user: User) -> StaticDevice | None:
    """The device holding the user's unused recovery codes, if any."""
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def has_second_factor(*, user: User) -> bool:
    found: bool = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return found


def owes_second_factor(*, user: User) -> bool:
    """Whether the user must set up a second factor before acting at all: they need one (the
    office, secretaries) and have none. Pages send such a user to set it up; the API refuses
    their tokens until they have."""
    return access.needs_second_factor(user) and not has_second_factor(user=user)


@transaction.atomic
def second_factor_start(*, user: User) -> TOTPDevice:
    """The not yet confirmed authenticator device the user is setting up.

    The same one is returned until it is confirmed, so reloading the page while scanning the
    code does not change the secret under the user's hands.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice(user=user, name=APP_DEVICE_NAME, confirmed=False)
        device.full_clean()
        device.save()
    return device


def _new_recovery_codes(*, user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


WRONG_CODE = _(
    "That code is not right. Type the six digits your authenticator app shows now, "
    "or one of your recovery codes."
)
WRONG_FIRST_CODE = _(
    "That code is not right. Type the six digits your authenticator app shows now for this "
    "account; if it has no code yet, scan the QR code again."
)


def _refusal(device: Device, code: str, wrong: Any) -> ValidationError | None:
    """Why the device refuses the code, or None when it accepts it. A refusal is counted on
    the device (each one doubles the wait before the next try), so it must be committed: the
    caller raises it only after its transaction."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        return ValidationError(
            _("Too many wrong codes in a row. Wait until %(time)s and try again."),
            code="throttled",
            params={"time": formats.time_format(timezone.localtime(details["locked_until"]))},
        )
    if not device.verify_token(code):
        return ValidationError(wrong, code="wrong_code")
    return None


def _normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def second_factor_check(*, user: User, code: str) -> Device:
    """The device that accepts this code from the user's app, or a recovery code (used up).

    Raises ValidationError with a message for the user when the code is wrong or too many wrong
    codes came in a row.
    """
    code = _normalised(code)
    devices = TOTPDevice if code.isdigit() else StaticDevice
    with transaction.atomic():
        device = devices.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise ValidationError(WRONG_CODE, code="wrong_code")
        refusal = _refusal(device, code, WRONG_CODE)
    if refusal is not None:
        raise refusal
    return device


def second_factor_confirm(*, device: TOTPDevice, code: str) -> list[str]:
    """Make a set-up authenticator device the user's second factor, once the user has shown a
    code from it. Replaces any earlier app and recovery codes; returns the new recovery codes
    (shown to the user once)."""
    if device.confirmed:
        raise ValidationError(_("This authenticator app is already set up."), code="confirmed")
    with transaction.atomic():
        refusal = _refusal(device, _normalised(code), WRONG_FIRST_CODE)
    if refusal is not None:
        raise refusal
    return _confirm(device)


@transaction.atomic
def _confirm(device: TOTPDevice) -> list[str]:
    TOTPDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return _new_recovery_codes(user=device.user)


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """New recovery codes for a user with a second factor; the old ones stop working."""
    if not has_second_factor(user=user):
        raise ValidationError(
            _("Set up two-step sign-in first; recovery codes belong to it."), code="no_device"
        )
    return _new_recovery_codes(user=user)


def _remove_devices(user: User) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def second_factor_turn_off(*, user: User) -> None:
    """A member switches two-step sign-in off. Those who must use it cannot."""
    if access.needs_second_factor(user):
        raise ValidationError(
            _(
                "Two-step sign-in stays on for the network office and for secretaries. "
                "Lost your phone? Ask the network office to reset it."
            ),
            code="required",
        )
    _remove_devices(user)


@transaction.atomic
def second_factor_reset(*, user: User) -> None:
    """The office removes someone's second factor (a lost phone). Sessions it verified lose
    their verification at once; at the next sign-in the user sets up a new one if they must.
    Whoever has the phone may have the user's API tokens too: every one is revoked."""
    _remove_devices(user)
    credentials.withdraw_all(user=user)


def device_secret(*, device: TOTPDevice) -> str:
    """The device's secret as an authenticator app takes it when typed in (base32)."""
    return b32encode(device.bin_key).decode("ascii")


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete a sign-in account and its second factor. Records it made keep their content; the
    link to who uploaded or changed them is cleared."""
    _remove_devices(user)
    user.delete()


@transaction.atomic
def user_save(*, user: User, expected_version: int | None = None) -> User:
    """Save an account edited in the admin; refused with EditConflict when someone saved it
    since ``expected_version`` (None: no check). A blocked account (not active) keeps no API
    token: each is revoked with the same save."""
    save_versioned(user, expected_version=expected_version)
    if not user.is_active:
        credentials.withdraw_all(user=user)
    return user
