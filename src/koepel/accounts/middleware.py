"""Nothing past the password step until the second factor is settled.

A signed-in user who has set up a second factor, but has not given a code in this session,
sees only the page that asks for it. One who must use a second factor (the office, secretaries)
and has none sees only the page that sets one up. Signing out and choosing a language stay
open to both; everything else — pages, forms, the admin — leads back there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from koepel.accounts import access
from koepel.accounts.services import has_second_factor
from koepel.registry.selectors import current_network

VERIFY = "accounts:second-factor-verify"
ENROL = "accounts:second-factor-enrol"
# The first-run page as well: before there is a network every page leads there, the pages of
# the second factor too, so an account signed in before the network was made must reach it.
ALWAYS_OPEN = frozenset({"accounts:logout", "set_language", "accounts:setup"})


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user: Any = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        name = request.resolver_match.view_name if request.resolver_match else ""
        if name in ALWAYS_OPEN:
            return None
        if has_second_factor(user=user):
            target = VERIFY
        elif access.needs_second_factor(user):
            target = ENROL
        else:
            return None
        if name == target:
            return None
        # The page asked for comes back after the code (a form sent now is not replayed).
        wanted = request.get_full_path() if request.method == "GET" else ""
        query = f"?{urlencode({'next': wanted})}" if wanted else ""
        return HttpResponseRedirect(reverse(target) + query)


class FirstRunMiddleware:
    """While no network exists, every page leads to the first-run page (``setup.py``); the
    API, the static files and choosing a language stay as they are. The network read here is
    kept on the request for the pages' header (``registry.context_processors``), so a page
    asks for it once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.KOEPEL_FIRST_RUN_REDIRECT or request.path.startswith(_open_prefixes()):
            return self.get_response(request)
        network = current_network()
        request.koepel_network = network  # type: ignore[attr-defined]
        setup_page = reverse("accounts:setup")
        if network is None and request.path != setup_page:
            return HttpResponseRedirect(setup_page)
        return self.get_response(request)


def _open_prefixes() -> tuple[str, ...]:
    return ("/api/", "/i18n/", settings.STATIC_URL or "/static/", settings.MEDIA_URL or "/media/")
