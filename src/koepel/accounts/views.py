"""The account pages: the second step of signing in, setting up a second factor, and the
account page where a member switches it on or off."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from koepel.accounts import access, oidc, services
from koepel.accounts.forms import CodeForm
from koepel.core.forms import add_errors, run_and_tell

# The recovery codes of a new second factor wait here for the one page that shows them.
CODES_SESSION_KEY = "koepel_recovery_codes"


class SignInView(LoginView):
    """Django's sign-in page, with "Inloggen via ..." beside it when the installation signs in
    through an identity provider (koepel.accounts.oidc)."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["provider_name"] = oidc.provider_name() if oidc.enabled() else ""
        return context


def _next(request: HttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app, or a recovery code."""
    user: Any = request.user
    if user.is_verified() or not services.has_second_factor(user=user):
        return HttpResponseRedirect(_next(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.second_factor_check(user=user, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            # A new session key for the verified session, as at the password step.
            request.session.cycle_key()
            django_otp.login(request, device)
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code. You have %(count)d left; make new ones on "
                        "your account page.",
                        "You used a recovery code. You have %(count)d left; make new ones on "
                        "your account page.",
                        left,
                    )
                    % {"count": left},
                )
            return HttpResponseRedirect(_next(request))
    return TemplateResponse(
        request, "accounts/second_factor_verify.html", {"form": form, "next": _next(request)}
    )


def _grouped(secret: str) -> str:
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


@never_cache
@login_required
def second_factor_enrol(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: a QR code, the secret to type in, and the first code."""
    user: Any = request.user
    device = services.second_factor_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = services.second_factor_confirm(device=device, code=form.cleaned_data["code"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            request.session.cycle_key()
            django_otp.login(request, device)
            request.session[CODES_SESSION_KEY] = codes
            return _show_codes(request, codes, _next(request))
    qr = segno.make(device.config_url, error="m")
    return TemplateResponse(
        request,
        "accounts/second_factor_enrol.html",
        {
            "form": form,
            "next": _next(request),
            "qr_svg": qr.svg_inline(
                scale=5, dark="#000", light="#fff", title=_("QR code for your authenticator app")
            ),
            "secret": _grouped(services.device_secret(device=device)),
            "required": access.needs_second_factor(user),
            "replacing": services.has_second_factor(user=user),
        },
    )


def _show_codes(request: HttpRequest, codes: list[str], then: str) -> HttpResponse:
    request.session[CODES_SESSION_KEY] = codes
    return redirect(f"{reverse('accounts:recovery-codes')}?{urlencode({'next': then})}")


@never_cache
@login_required
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown this once."""
    codes = request.session.pop(CODES_SESSION_KEY, None)
    if not codes:
        return redirect("accounts:account")
    return TemplateResponse(
        request, "accounts/recovery_codes.html", {"codes": codes, "next": _next(request)}
    )


@never_cache
@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    codes = services.recovery_device(user=user)
    return TemplateResponse(
        request,
        "accounts/account.html",
        {
            "has_second_factor": services.has_second_factor(user=user),
            "required": access.needs_second_factor(user),
            "codes_left": codes.token_set.count() if codes else 0,
            "is_office": access.viewer_for(user).is_office,
        },
    )


@require_POST
@login_required
def second_factor_turn_off(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    run_and_tell(
        request,
        lambda: services.second_factor_turn_off(user=user),
        _("Two-step sign-in is off. You sign in with your password alone."),
    )
    return redirect("accounts:account")


@require_POST
@login_required
def recovery_codes_renew(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    try:
        codes = services.recovery_codes_renew(user=user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("accounts:account")
    return _show_codes(request, codes, reverse("accounts:account"))
