from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from koepel.core.clients import client_address


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        error_messages={"required": _("Type the code from your authenticator app.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )


class ForgotPasswordForm(auth_forms.PasswordResetForm):
    """Django's form for asking a reset link, sending through Koepel's service: one link per
    account with the address, counted per address and client, mailed through the queue."""

    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )

    def save(self, **kwargs: Any) -> int:  # type: ignore[override]
        from koepel.accounts.services import password_reset_request

        request: HttpRequest = kwargs["request"]
        return password_reset_request(
            address=self.cleaned_data["email"],
            client=client_address(request),
            language=translation.get_language() or "nl",
        )


class InviteForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the e-mail"),
        choices=settings.LANGUAGES,
        initial="nl",
        widget=forms.RadioSelect,
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
