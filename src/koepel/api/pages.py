"""The pages where a signed-in user makes and revokes their personal API tokens."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from koepel.accounts.models import User
from koepel.api import services
from koepel.api.models import ApiToken
from koepel.core.forms import add_errors

# How long a new token works, in days; "" for until it is revoked.
LIFETIMES = [
    ("30", gettext_lazy("30 days")),
    ("90", gettext_lazy("90 days")),
    ("365", gettext_lazy("1 year")),
    ("", gettext_lazy("Until I revoke it")),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("What is the token for?"),
        max_length=100,
        help_text=gettext_lazy("Such as “website” or “city dashboard”."),
    )
    lifetime = forms.ChoiceField(
        label=gettext_lazy("How long does it work?"),
        choices=LIFETIMES,
        initial="90",
        required=False,
        help_text=gettext_lazy("After that the token stops working; you can make a new one."),
    )
    read_only = forms.BooleanField(
        label=gettext_lazy("Read only"),
        required=False,
        help_text=gettext_lazy(
            "The token may read what you may read, but not create, change or delete anything."
        ),
    )

    def expires_at(self) -> dt.datetime | None:
        days = self.cleaned_data.get("lifetime")
        return timezone.now() + dt.timedelta(days=int(days)) if days else None


def _owner(request: HttpRequest) -> User:
    """The signed-in user (the views below require one)."""
    return cast(User, request.user)


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    secret = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.token_create(
                user=_owner(request),
                name=form.cleaned_data["name"],
                expires_at=form.expires_at(),
                read_only=form.cleaned_data["read_only"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            form = TokenForm()
            messages.success(request, _("Token “%(name)s” made.") % {"name": token.name})
    return render(
        request,
        "api/tokens.html",
        {
            "form": form,
            "secret": secret,
            "tokens": ApiToken.objects.filter(user=_owner(request)).order_by("-created_at"),
        },
        status=400 if form.errors else 200,
    )


@login_required
@require_POST
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=_owner(request))
    services.token_revoke(user=_owner(request), token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api-pages:tokens")


app_name = "api-pages"
urlpatterns = [
    path("account/api-sleutels/", tokens, name="tokens"),
    path("account/api-sleutels/<int:pk>/intrekken/", revoke, name="revoke"),
]
