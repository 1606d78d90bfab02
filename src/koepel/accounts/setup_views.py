"""The first-run page: on a database without a network, the network and its first office
account are made here, by whoever holds the setup code (``setup.py``)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from koepel.accounts import setup
from koepel.accounts.forms import NetworkSetupForm
from koepel.core.forms import add_errors


@never_cache
def network_setup(request: HttpRequest) -> HttpResponse:
    if setup.network_exists():
        raise Http404(_("This site already has a network."))
    form = NetworkSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not setup.setup_code_matches(data["setup_code"]):
            form.add_error(
                "setup_code",
                _(
                    "This is not the setup code. Use the code printed last on the server's "
                    "console; a new one is printed by koepel new-network --show-setup-code."
                ),
            )
        else:
            try:
                started = setup.network_start(
                    name=data["name"],
                    short_name=data["short_name"],
                    website=data["website"],
                    username=data["username"],
                    email=data["email"],
                    password=data["password"],
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _(
                        "%(network)s is set up. Sign in as %(username)s; you will then set up "
                        "two-step sign-in, so keep an authenticator app on your phone at hand."
                    )
                    % {"network": started.network.name, "username": started.account.username},
                )
                return HttpResponseRedirect(reverse("accounts:login"))
    return TemplateResponse(
        request,
        "accounts/setup.html",
        {"form": form, "code_issued": setup.setup_code_issued()},
        status=400 if form.errors else 200,
    )
