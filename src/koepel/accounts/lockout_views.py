"""The network office's page of locked-out accounts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from koepel.accounts.access import viewer_for
from koepel.accounts.lockouts import lockout_lift, lockouts_current
from koepel.core.forms import run_and_tell


@login_required
def lockouts(request: HttpRequest) -> HttpResponse:
    if not viewer_for(request.user).is_office:
        raise PermissionDenied
    return TemplateResponse(request, "accounts/lockouts.html", {"lockouts": lockouts_current()})


@login_required
@require_POST
def lockout_lift_view(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "")
    run_and_tell(
        request,
        lambda: lockout_lift(username=username, actor=request.user),
        _("%(username)s can sign in again.") % {"username": username},
    )
    # Back to the page the button was on: the lockouts, or the account's own page.
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("accounts:lockouts")
