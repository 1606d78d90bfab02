"""Signing in through the network's own identity provider (OpenID Connect), when an
installation has one (``KOEPEL_OIDC_ISSUER``; docs/security.md).

mozilla-django-oidc does the protocol: the authorisation request with state, nonce and PKCE,
the exchange of the code for tokens, the ID token's signature against the provider's keys and
the user info. Koepel adds what is its own:

- the endpoints from the issuer's discovery document, read when first needed and kept an hour;
- the ID token's issuer and audience, which the library does not check;
- who the answer is: the one person whose address the provider gives, only when the provider
  has verified it and the office has allowed its domain (``AllowedDomain``), and only through
  the account that person already has (the office's invitation stays the one way to an
  account). Every refusal has a Dutch message; none tells whether an address is known;
- the second step: a session is marked as having given it (``ProviderDevice``) only when the ID
  token says the provider asked for a second factor (``amr``/``acr``); otherwise office and
  secretaries give Koepel's own code next, as after a password.

Nothing of this runs with the setting unset: the button is not shown and the two addresses
answer 404. The session itself does not depend on the provider: the account is signed in with
Django's own model backend, so a provider that is down later signs nobody out.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import django_otp
import requests
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import import_from_settings
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from koepel.accounts import services
from koepel.accounts.models import AllowedDomain, User

logger = logging.getLogger(__name__)

# The discovery document is read again after this many seconds.
DISCOVERY_SECONDS = 3600
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"

NOT_VERIFIED = gettext_lazy(
    "%(provider)s has not confirmed your e-mail address, so Koepel cannot tell who you are. "
    "Confirm the address with %(provider)s first, or sign in with your password."
)
DOMAIN_NOT_ALLOWED = gettext_lazy(
    "Addresses ending in @%(domain)s cannot sign in through %(provider)s. Sign in with your "
    "password, or ask the network office."
)
NO_ACCOUNT = gettext_lazy(
    "You cannot sign in to Koepel with this address. If you should have an account, ask the "
    "network office for an invitation."
)
LOCKED_OUT = gettext_lazy(
    "Signing in to this account is paused for a while after too many wrong passwords. Try "
    "again later, or ask the network office."
)
UNREACHABLE = gettext_lazy(
    "%(provider)s cannot be reached right now. Try again later, or sign in with your password."
)
FAILED = gettext_lazy("Signing in through %(provider)s did not succeed. Please try again.")


def enabled() -> bool:
    """Whether this installation signs in through an identity provider."""
    return bool(settings.KOEPEL_OIDC_ISSUER)


def provider_name() -> str:
    return str(settings.KOEPEL_OIDC_PROVIDER_NAME)


@dataclass(frozen=True)
class Endpoints:
    authorization: str
    token: str
    userinfo: str
    jwks: str


_discovered: dict[str, tuple[float, Endpoints]] = {}


def endpoints() -> Endpoints:
    """The provider's endpoints from its discovery document (raises ``requests``' errors when
    it cannot be read, ``SuspiciousOperation`` when it names another issuer)."""
    issuer = settings.KOEPEL_OIDC_ISSUER
    known = _discovered.get(issuer)
    if known is not None and known[0] > time.monotonic():
        return known[1]
    response = requests.get(
        f"{issuer}/.well-known/openid-configuration", timeout=settings.OIDC_TIMEOUT
    )
    response.raise_for_status()
    document = response.json()
    if str(document.get("issuer", "")).rstrip("/") != issuer:
        raise SuspiciousOperation("The discovery document names another issuer.")
    try:
        found = Endpoints(
            authorization=document["authorization_endpoint"],
            token=document["token_endpoint"],
            userinfo=document["userinfo_endpoint"],
            jwks=document["jwks_uri"],
        )
    except KeyError as error:
        raise SuspiciousOperation(f"The discovery document lacks {error}.") from error
    _discovered[issuer] = (time.monotonic() + DISCOVERY_SECONDS, found)
    return found


class Refused(Exception):
    """The provider's answer does not lead to an account; ``message`` says so in Dutch."""

    def __init__(self, message: Promise | str, **params: str) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def text(self) -> str:
        return str(self.message) % {"provider": provider_name(), **self.params}


def _verified(value: Any) -> bool:
    # Some providers send the claim as text.
    return value is True or (isinstance(value, str) and value.lower() == "true")


def account_for_address(*, email: str, verified: bool) -> User:
    """The account of the one person with this address, when the provider verified it and the
    office allowed its domain; otherwise Refused. Nothing is created: a person without an
    account is invited by the office first. No match, more than one person with the address,
    no account and a switched-off account share one message, so the answer does not tell
    whether Koepel knows an address."""
    email = email.strip()
    if not verified:
        raise Refused(NOT_VERIFIED)
    domain = email.rpartition("@")[2].lower()
    if "@" not in email or not AllowedDomain.objects.filter(domain=domain).exists():
        raise Refused(DOMAIN_NOT_ALLOWED, domain=domain or "?")
    users = list(User.objects.select_related("person").filter(person__email__iexact=email)[:2])
    if len(users) != 1 or not users[0].is_active:
        raise Refused(NO_ACCOUNT)
    return users[0]


def asserts_second_factor(id_token: dict[str, Any]) -> bool:
    """Whether the ID token says the provider asked for a second factor at this sign-in: an
    ``amr`` value that means more than a password (RFC 8176), or a configured ``acr``."""
    amr = id_token.get("amr") or []
    if isinstance(amr, str):
        amr = [amr]
    if set(map(str, amr)) & set(settings.KOEPEL_OIDC_MFA_AMR):
        return True
    acr = id_token.get("acr")
    return bool(acr) and str(acr) in settings.KOEPEL_OIDC_MFA_ACR


class ProviderBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's exchange of the code, with the endpoints from discovery, the
    issuer and audience checked, and Koepel's matching of the answer to an account. Used by the
    callback alone, not listed in AUTHENTICATION_BACKENDS: signing in with a password never
    reaches the provider."""

    def __init__(self, found: Endpoints) -> None:
        self.endpoints = found
        self.second_factor = False
        super().__init__()

    def get_settings(self, attr: str, *args: Any) -> Any:
        own = {
            "OIDC_OP_TOKEN_ENDPOINT": self.endpoints.token,
            "OIDC_OP_USER_ENDPOINT": self.endpoints.userinfo,
            "OIDC_OP_JWKS_ENDPOINT": self.endpoints.jwks,
        }
        if attr in own:
            return own[attr]
        return import_from_settings(attr, *args)

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        if str(payload.get("iss", "")).rstrip("/") != settings.KOEPEL_OIDC_ISSUER:
            raise SuspiciousOperation("The ID token comes from another issuer.")
        audience = payload.get("aud")
        audiences = [audience] if isinstance(audience, str) else list(audience or [])
        if settings.KOEPEL_OIDC_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token is meant for another client.")
        return payload

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        claims = self.get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):
            raise SuspiciousOperation("The user info is about someone else than the ID token.")
        user = account_for_address(
            email=str(claims.get("email") or payload.get("email") or ""),
            verified=_verified(claims.get("email_verified", payload.get("email_verified"))),
        )
        self.second_factor = asserts_second_factor(payload)
        return user


def _require_enabled() -> None:
    if not enabled():
        raise Http404


def _back_to_sign_in(request: HttpRequest, text: str) -> HttpResponse:
    messages.error(request, text)
    return HttpResponseRedirect(reverse("accounts:login"))


class ProviderSignInView(OIDCAuthenticationRequestView):
    """``/inloggen/oidc/``: off to the provider, with state, nonce and PKCE in the session."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the endpoint here; Koepel reads it from discovery in get().
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)
        self.OIDC_RP_CLIENT_ID = settings.KOEPEL_OIDC_CLIENT_ID

    def get(self, request: HttpRequest) -> HttpResponse:
        _require_enabled()
        try:
            self.OIDC_OP_AUTH_ENDPOINT = endpoints().authorization
        except (requests.RequestException, ValueError, SuspiciousOperation) as error:
            logger.warning("Identity provider not reachable: %s", error)
            return _back_to_sign_in(request, str(UNREACHABLE) % {"provider": provider_name()})
        response: HttpResponse = super().get(request)
        return response


@never_cache
def provider_callback(request: HttpRequest) -> HttpResponse:
    """``/inloggen/oidc/terug/``: the provider's answer. Signs the matched account in, or says
    in Dutch why not; a refusal changes nothing and signs nobody out."""
    _require_enabled()
    failed = str(FAILED) % {"provider": provider_name()}
    state = request.GET.get("state", "")
    states = request.session.get("oidc_states") or {}
    if not state or state not in states:
        return _back_to_sign_in(request, failed)
    # Each state works once, whatever the answer.
    expected = states.pop(state)
    request.session["oidc_states"] = states
    if request.GET.get("error") or not request.GET.get("code"):
        return _back_to_sign_in(request, failed)
    try:
        backend = ProviderBackend(endpoints())
        user = backend.authenticate(
            request, nonce=expected.get("nonce"), code_verifier=expected.get("code_verifier")
        )
    except Refused as refusal:
        return _back_to_sign_in(request, refusal.text())
    except (requests.RequestException, ValueError) as error:
        logger.warning("Identity provider not reachable: %s", error)
        return _back_to_sign_in(request, str(UNREACHABLE) % {"provider": provider_name()})
    except SuspiciousOperation as error:
        logger.warning("Identity provider's answer refused: %s", error)
        return _back_to_sign_in(request, failed)
    if user is None:
        return _back_to_sign_in(request, failed)
    # The lockout after wrong passwords holds here too: the provider is another way in, not
    # a way around it (counted per account name and client address, as at the password).
    if not AxesProxyHandler.is_allowed(request, {"username": user.get_username()}):
        return _back_to_sign_in(request, str(LOCKED_OUT))
    # Checked by the library when it was asked for (this host only).
    wanted = request.session.pop("oidc_login_next", None) or resolve_url(
        settings.LOGIN_REDIRECT_URL
    )
    # Django's own sign-in: a new session key, the sign-in signal (django-axes records it
    # with the sign-ins by password) and the last sign-in time.
    auth.login(request, user, backend=MODEL_BACKEND)
    if backend.second_factor:
        django_otp.login(request, services.provider_device(user=user))
    return HttpResponseRedirect(wanted)
