from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from koepel.core.clients import client_address
from koepel.core.forms import SingleLineField


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


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Domain"),
        max_length=253,
        help_text=_("The part of the address after the @, such as utrecht.nl."),
    )


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class NetworkSetupForm(forms.Form):
    """The first-run page: the network and its first office account (``setup.py``)."""

    setup_code = forms.CharField(
        label=_("Setup code"),
        max_length=40,
        help_text=_(
            "Printed on the server's console by koepel serve as it starts, or by koepel "
            "new-network --show-setup-code."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = SingleLineField(label=_("Name of the network"), max_length=200)
    short_name = SingleLineField(
        label=_("Short name"),
        max_length=40,
        help_text=_("Shown at the top of every page."),
    )
    website = forms.URLField(
        label=_("Website of the network"), required=False, assume_scheme="https"
    )
    username = SingleLineField(
        label=_("User name of the network office"),
        max_length=150,
        initial="kantoor",
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    email = forms.EmailField(
        label=_("E-mail address of the network office"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        password = cleaned.get("password")
        if password and cleaned.get("password_again") != password:
            self.add_error("password_again", _("The two passwords differ; type the same twice."))
        return cleaned
