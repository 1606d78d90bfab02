"""Passwords without a phone call: accepting an invitation, a forgotten password by e-mail,
changing one's own password, and signing out everywhere.

Django's own views do the work where they fit (PasswordResetView, PasswordResetDoneView,
PasswordChangeView, SetPasswordForm); the links in the mails are Koepel's own
(``services.link_check``), so that an expired, a used, a replaced and an unknown link each get
their own message.
"""

from __future__ import annotations

import math
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from koepel.accounts import access, services
from koepel.accounts.forms import ForgotPasswordForm
from koepel.accounts.models import AccountLink
from koepel.core.caching import keep_private

Purpose = AccountLink.Purpose
SIGN_IN_BACKEND = "django.contrib.auth.backends.ModelBackend"


def _refusal_text(reason: str, purpose: str) -> str:
    invitation = purpose == Purpose.INVITATION
    if reason == "expired":
        return (
            _("This invitation has expired. Ask the network office to send you a new one.")
            if invitation
            else _("This link has expired. Ask for a new link below.")
        )
    if reason == "used":
        return (
            _(
                "This invitation has already been accepted: the account has a password. "
                "Sign in with it, or ask for a new password if you forgot it."
            )
            if invitation
            else _(
                "This link has already been used: it works once. Sign in with your new "
                "password, or ask for a new link below."
            )
        )
    if reason == "replaced":
        return (
            _("A newer invitation was sent since: use the link in the latest e-mail.")
            if invitation
            else _("A newer link was sent since: use the link in the latest e-mail.")
        )
    if reason == "switched_off":
        return _("This account is switched off. Ask the network office if this is not right.")
    return (
        _(
            "This invitation link is not right: it may be incomplete. Open the link from the "
            "e-mail once more, or copy the whole address into your browser."
        )
        if invitation
        else _(
            "This link is not right: it may be incomplete. Open the link from the e-mail once "
            "more, copy the whole address into your browser, or ask for a new link below."
        )
    )


def _refused(request: HttpRequest, refusal: services.LinkRefused, purpose: str) -> HttpResponse:
    # Gone (410) for a link that worked once; not found (404) for one that never did. Either
    # way a page that says what happened and what to do next.
    status = 404 if refusal.reason == "unknown" else 410
    response = TemplateResponse(
        request,
        "accounts/link_refused.html",
        {
            "message": _refusal_text(refusal.reason, purpose),
            "invitation": purpose == Purpose.INVITATION,
            "reason": refusal.reason,
        },
        status=status,
    )
    return keep_private(response)


def _link_page(request: HttpRequest, key: str, purpose: str) -> HttpResponse:
    try:
        link = services.link_check(key=key, purpose=purpose)
    except services.LinkRefused as refusal:
        return _refused(request, refusal, purpose)
    user = link.user
    # The page speaks the language of the mail, unless the visitor chose one on the site.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    with translation.override(translation.get_language() if chosen else link.language):
        form = SetPasswordForm(user, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = services.link_use(
                    key=key, purpose=purpose, password=form.cleaned_data["new_password1"]
                )
            except services.LinkRefused as refusal:
                return _refused(request, refusal, purpose)
            return _after_use(request, user, purpose)
        response = TemplateResponse(
            request,
            "accounts/link_password.html",
            {
                "form": form,
                "account": user,
                "invitation": purpose == Purpose.INVITATION,
                "two_steps": access.needs_second_factor(user),
                "expires": link.expires_at,
            },
        )
        response.render()
    return keep_private(response)


def _after_use(request: HttpRequest, user: Any, purpose: str) -> HttpResponse:
    if purpose == Purpose.RESET:
        messages.success(request, _("Your new password is set. Sign in with it."))
        return redirect("accounts:login")
    # An accepted invitation signs the new account in; one that must use two steps goes on to
    # set up its authenticator app, as every page would send it there.
    login(request, user, backend=SIGN_IN_BACKEND)
    if access.needs_second_factor(user):
        messages.success(request, _("Your password is set. Now set up two-step sign-in to finish."))
        return redirect("accounts:second-factor-enrol")
    messages.success(request, _("Welcome! Your password is set and you are signed in."))
    return redirect(settings.LOGIN_REDIRECT_URL)


@sensitive_post_parameters()
@never_cache
def invitation(request: HttpRequest, key: str) -> HttpResponse:
    """The link in an invitation: choose a password for the new account."""
    return _link_page(request, key, Purpose.INVITATION)


@sensitive_post_parameters()
@never_cache
def reset_confirm(request: HttpRequest, key: str) -> HttpResponse:
    """The link in a reset mail: choose a new password."""
    return _link_page(request, key, Purpose.RESET)


class ForgotPasswordView(auth_views.PasswordResetView):
    """Ask for a link to choose a new password. The answer is the same whether or not an
    account has the address; too many requests get a page that asks to wait."""

    form_class = ForgotPasswordForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:reset-sent")

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            return super().form_valid(form)
        except services.TooManyRequests as refusal:
            minutes = max(1, math.ceil(refusal.retry_after.total_seconds() / 60))
            return TemplateResponse(
                self.request,
                "accounts/too_many_requests.html",
                {"minutes": minutes},
                status=429,
                headers={"Retry-After": str(minutes * 60)},
            )


class ResetSentView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_sent.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change one's own password; every other session of the account ends with it."""

    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(
            self.request,
            _("Your password is changed. You are signed out everywhere else."),
        )
        return response


@never_cache
@login_required
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    """Ask first, then end every other session of the account and revoke its API tokens."""
    user: Any = request.user
    tokens = user.api_tokens.filter(revoked_at__isnull=True).count()
    if request.method == "POST":
        revoked = services.sign_out_everywhere(user=user)
        # This session goes on with the account's new hash; every other one ends.
        update_session_auth_hash(request, user)
        text = _("You are signed out everywhere else.")
        if revoked:
            text += " " + ngettext(
                "%(count)d API token was revoked.", "%(count)d API tokens were revoked.", revoked
            ) % {"count": revoked}
        messages.success(request, text)
        return redirect("accounts:account")
    return TemplateResponse(
        request,
        "accounts/sign_out_everywhere.html",
        {"tokens": tokens, "tokens_url": reverse("api-pages:tokens")},
    )
