"""Writes to accounts: office accounts, the second factor at sign-in, invitations and
password resets by e-mail, switching accounts off and on, and signing out everywhere."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from base64 import b32encode
from typing import Any

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from koepel.accounts import access, credentials
from koepel.accounts.models import (
    AccountLink,
    AllowedDomain,
    ProviderDevice,
    ResetRequest,
    User,
    link_key_hash,
    new_link_key,
)
from koepel.core.locking import save_versioned
from koepel.core.validators import one_line
from koepel.registry.models import Person

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
    ProviderDevice.objects.filter(user=user).delete()


PROVIDER_DEVICE_NAME = "identiteitsprovider"


@transaction.atomic
def provider_device(*, user: User) -> ProviderDevice:
    """The mark of a session whose second step the identity provider gave (koepel.accounts.oidc);
    one per account, made at its first such sign-in. It is not a second factor of Koepel's own:
    ``has_second_factor`` does not count it, so the API's rule for tokens stays as it was."""
    device: ProviderDevice | None = ProviderDevice.objects.filter(user=user).first()
    if device is None:
        device = ProviderDevice(user=user, name=PROVIDER_DEVICE_NAME, confirmed=True)
        device.full_clean()
        device.save()
    return device


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
    since ``expected_version`` (None: no check). A switched-off account (not active) keeps no
    API token and no open mailed link: each is revoked with the same save."""
    save_versioned(user, expected_version=expected_version)
    if not user.is_active:
        _withdraw_trust(user)
    return user


def _withdraw_trust(user: User) -> int:
    """What a switched-off account loses with the same save: its open mailed links and every
    API token (returns how many tokens)."""
    _replace_open_links(user, Purpose.INVITATION, Purpose.RESET)
    return credentials.withdraw_all(user=user)


# ---------------------------------------------------------------------------------------------
# Links by e-mail: an invitation to a new account, a reset of a forgotten password.

Purpose = AccountLink.Purpose


def _invitation_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.KOEPEL_INVITATION_DAYS)


def _reset_lifetime() -> dt.timedelta:
    return dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)


def _require_office(actor: Any) -> None:
    if not access.viewer_for(actor).is_office:
        raise PermissionDenied


def _language(language: str) -> str:
    known = {code for code, _name in settings.LANGUAGES}
    return language if language in known else settings.LANGUAGE_CODE


def address_of(user: User) -> str:
    """Where the account's mail goes: its own address, else its person's."""
    return user.email or (user.person.email if user.person else "")


def _replace_open_links(user: User, *purposes: str) -> None:
    AccountLink.objects.filter(
        user=user, purpose__in=purposes, used_at__isnull=True, replaced_at__isnull=True
    ).update(replaced_at=timezone.now())


def _send_link(
    *, user: User, purpose: str, language: str, lifetime: dt.timedelta, sent_by: User | None
) -> AccountLink:
    """A new link for the account, replacing its open links of the same purpose, and the mail
    that carries it, queued in the same transaction: both are kept or neither."""
    _replace_open_links(user, purpose)
    key = new_link_key()
    now = timezone.now()
    link = AccountLink(
        user=user,
        purpose=purpose,
        key_hash=link_key_hash(key),
        language=language,
        created_at=now,
        expires_at=now + lifetime,
        sent_by=sent_by,
    )
    link.full_clean()
    link.save()
    route = "accounts:invitation" if purpose == Purpose.INVITATION else "accounts:reset-confirm"
    url = f"{settings.KOEPEL_BASE_URL}{reverse(route, args=[key])}"
    network = _network_name()
    with translation.override(language):
        context = {
            "name": one_line(str(user)),
            "username": one_line(user.username),
            "network": network,
            "url": url,
            "expires": timezone.localtime(link.expires_at),
            "two_steps": access.needs_second_factor(user),
            "login_url": f"{settings.KOEPEL_BASE_URL}{reverse('accounts:login')}",
        }
        if purpose == Purpose.INVITATION:
            subject = gettext("Your account for %(network)s") % {"network": network}
            body = render_to_string("accounts/mail/invitation.txt", context)
        else:
            subject = gettext("A new password for %(network)s") % {"network": network}
            body = render_to_string("accounts/mail/password_reset.txt", context)
    send_mail(
        subject=one_line(subject),
        message=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[address_of(user)],
    )
    return link


def _network_name() -> str:
    from koepel.registry.models import Network

    network = Network.objects.first()
    return one_line(str(network)) if network else "Koepel"


def _free_username(person: Person) -> str:
    base = (slugify(person.slug or person.name) or "account")[:140]
    name, n = base, 1
    while User.objects.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


@transaction.atomic
def account_invite(*, person: Person, actor: Any, language: str = "nl") -> AccountLink:
    """The office invites a person to have an account: the account is made (without a
    password, so nobody can sign in with it yet) and a link to choose the password is mailed to
    the person's address. Inviting again sends a new link; the old one stops working."""
    _require_office(actor)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if not person.email:
        raise ValidationError(
            _("%(name)s has no e-mail address. Add one to the person first."),
            code="no_address",
            params={"name": person.name},
        )
    user = User.objects.filter(person=person).first()
    if user is not None and not user.is_active:
        raise ValidationError(
            _("The account of %(name)s is switched off. Switch it on instead."),
            code="switched_off",
            params={"name": person.name},
        )
    if user is not None and user.has_usable_password():
        raise ValidationError(
            _("%(name)s already has an account, with a password of their own."),
            code="has_account",
            params={"name": person.name},
        )
    if user is None:
        user = User(username=_free_username(person), person=person, email=person.email)
        user.set_unusable_password()
        user.full_clean()
        user.save()
    elif user.email != person.email:
        user.email = person.email
        user.save(update_fields=["email"])
    return _send_link(
        user=user,
        purpose=Purpose.INVITATION,
        language=_language(language),
        lifetime=_invitation_lifetime(),
        sent_by=actor,
    )


@transaction.atomic
def invitation_resend(*, user: User, actor: Any) -> AccountLink:
    """Send the invitation of an account that has no password yet again, with a new link."""
    _require_office(actor)
    user = User.objects.select_for_update(of=("self",)).select_related("person").get(pk=user.pk)
    if not user.is_active:
        raise ValidationError(
            _("This account is switched off. Switch it on first."), code="switched_off"
        )
    if user.has_usable_password():
        raise ValidationError(
            _("This account already has a password: the invitation was accepted."),
            code="accepted",
        )
    if not address_of(user):
        raise ValidationError(
            _("This account has no e-mail address to send the invitation to."),
            code="no_address",
        )
    last = user.links.filter(purpose=Purpose.INVITATION).first()
    return _send_link(
        user=user,
        purpose=Purpose.INVITATION,
        language=last.language if last else settings.LANGUAGE_CODE,
        lifetime=_invitation_lifetime(),
        sent_by=actor,
    )


class LinkRefused(Exception):
    """A link from a mail that does not (or no longer) work; ``reason`` says why: ``unknown``
    (no link has this key: mistyped, cut off or made up), ``used``, ``replaced`` (a newer link
    was sent), ``expired`` or ``switched_off`` (the account can no longer sign in)."""

    def __init__(self, reason: str, link: AccountLink | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.link = link


def link_check(*, key: str, purpose: str) -> AccountLink:
    """The open link with this key, or LinkRefused saying why it does not work."""
    link = (
        AccountLink.objects.select_related("user", "user__person")
        .filter(key_hash=link_key_hash(key), purpose=purpose)
        .first()
    )
    if link is None:
        raise LinkRefused("unknown")
    if link.used_at is not None:
        raise LinkRefused("used", link)
    if link.replaced_at is not None:
        raise LinkRefused("replaced", link)
    if link.expires_at <= timezone.now():
        raise LinkRefused("expired", link)
    if not link.user.is_active:
        raise LinkRefused("switched_off", link)
    return link


@transaction.atomic
def link_use(*, key: str, purpose: str, password: str) -> User:
    """Set the account's password with a link (already validated by the caller's form, e.g.
    Django's SetPasswordForm). The link, and every other open link of the account, stops
    working; a new password also ends every session the account had."""
    link = link_check(key=key, purpose=purpose)
    # Taken again under lock: of two uses of the same link at once, one sets the password.
    locked = AccountLink.objects.select_for_update().get(pk=link.pk)
    if locked.used_at is not None:
        raise LinkRefused("used", locked)
    user = User.objects.select_for_update().get(pk=link.user_id)
    user.set_password(password)
    user.save(update_fields=["password"])
    now = timezone.now()
    locked.used_at = now
    locked.save(update_fields=["used_at"])
    _replace_open_links(user, Purpose.INVITATION, Purpose.RESET)
    return user


# How many reset links may be asked for in one window, per address typed and per client.
RESET_WINDOW = dt.timedelta(hours=1)


class TooManyRequests(Exception):
    """Too many password reset requests, for this address or from this client; a new one is
    taken after ``retry_after``."""

    def __init__(self, retry_after: dt.timedelta) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def _address_hash(address: str) -> str:
    return salted_hmac(
        "koepel.accounts.reset-request", address.strip().lower(), algorithm="sha256"
    ).hexdigest()


def accounts_for_address(address: str) -> list[User]:
    """The accounts that can receive a reset link at this address: active, with a password of
    their own, and the address as theirs or their person's."""
    address = address.strip()
    if not address:
        return []
    users = (
        User.objects.select_related("person")
        .filter(is_active=True)
        .filter(Q(email__iexact=address) | Q(person__email__iexact=address))
    )
    return [user for user in users if user.has_usable_password()]


@transaction.atomic
def password_reset_request(*, address: str, client: str | None, language: str = "nl") -> int:
    """Someone asks for a link to choose a new password. Every account with this address gets
    one by mail (queued, so the answer takes as long with or without an account); returns how
    many were sent, which the page must not tell. Refused with TooManyRequests when the address
    or the client asked too often in the last hour, whether an account has it or not."""
    now = timezone.now()
    since = now - RESET_WINDOW
    ResetRequest.objects.filter(requested_at__lt=since).delete()
    digest = _address_hash(address)
    recent = ResetRequest.objects.filter(requested_at__gte=since)
    for rows, limit in (
        (recent.filter(address_hash=digest), settings.KOEPEL_RESET_LIMIT_PER_ADDRESS),
        (recent.filter(client=client), settings.KOEPEL_RESET_LIMIT_PER_CLIENT),
    ):
        times = list(rows.order_by("requested_at").values_list("requested_at", flat=True))
        if len(times) >= limit:
            raise TooManyRequests(retry_after=times[-limit] + RESET_WINDOW - now)
    ResetRequest.objects.create(address_hash=digest, client=client, requested_at=now)
    sent = 0
    for user in accounts_for_address(address):
        # In the person's own language when Koepel knows it, else in the page's.
        _send_link(
            user=user,
            purpose=Purpose.RESET,
            language=_language(user.person.language if user.person else language),
            lifetime=_reset_lifetime(),
            sent_by=None,
        )
        sent += 1
    return sent


# ---------------------------------------------------------------------------------------------
# The office switches accounts off and on; anyone signs out everywhere.


@transaction.atomic
def account_switch_off(*, user: User, actor: Any, expected_version: int | None) -> int:
    """The office switches an account off: it cannot sign in, its sessions end at their next
    request, its open links stop working and every API token it holds is revoked (returns how
    many). Switching it on again does not bring them back."""
    _require_office(actor)
    if user.pk == actor.pk:
        raise ValidationError(_("You cannot switch off your own account."), code="own_account")
    if not user.is_active:
        raise ValidationError(_("This account is already switched off."), code="switched_off")
    user.is_active = False
    # The admin's rule for an account made inactive (user_save), with the count of tokens.
    save_versioned(user, expected_version=expected_version)
    return _withdraw_trust(user)


@transaction.atomic
def account_switch_on(*, user: User, actor: Any, expected_version: int | None) -> User:
    """The office switches a switched-off account on again: it signs in with its password (and
    second step) as before."""
    _require_office(actor)
    if user.is_active:
        raise ValidationError(_("This account is already switched on."), code="switched_on")
    user.is_active = True
    save_versioned(user, expected_version=expected_version)
    return user


@transaction.atomic
def sign_out_everywhere(*, user: User) -> int:
    """End every session of the account and revoke every API token it holds (returns how
    many): a token acts as its owner as a session does. The caller keeps its own session
    with ``update_session_auth_hash``."""
    locked = User.objects.select_for_update().get(pk=user.pk)
    locked.sign_out_count += 1
    locked.save(update_fields=["sign_out_count"])
    user.sign_out_count = locked.sign_out_count
    return credentials.withdraw_all(user=user)


# ---------------------------------------------------------------------------------------------
# The domains whose addresses may sign in through the identity provider (koepel.accounts.oidc).

DOMAIN_PATTERN = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


@transaction.atomic
def allowed_domain_add(*, domain: str, actor: Any) -> AllowedDomain:
    """The office allows the addresses of a domain (``utrecht.nl``) to sign in through the
    identity provider, matched to the person with that address."""
    _require_office(actor)
    name = domain.strip().lstrip("@").rstrip(".").lower()
    if not DOMAIN_PATTERN.match(name):
        raise ValidationError(
            _("Type a domain such as utrecht.nl: the part of an address after the @."),
            code="invalid",
        )
    if AllowedDomain.objects.filter(domain=name).exists():
        raise ValidationError(
            _("%(domain)s is already on the list."), code="exists", params={"domain": name}
        )
    allowed = AllowedDomain(domain=name, added_by=actor)
    allowed.full_clean()
    allowed.save()
    return allowed


@transaction.atomic
def allowed_domain_remove(*, allowed: AllowedDomain, actor: Any) -> None:
    """The office takes a domain off the list: its addresses no longer sign in through the
    identity provider (sessions already signed in stay; switch an account off to end them)."""
    _require_office(actor)
    allowed.delete()
