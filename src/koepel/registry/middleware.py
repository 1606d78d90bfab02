from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from koepel.registry.models import remembered_terms


class RememberedTermsMiddleware:
    """Read the network's vocabularies at most once per request: every label of a kind or a
    function on a page comes from that one read."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with remembered_terms():
            return self.get_response(request)
