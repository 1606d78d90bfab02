"""Headers every API response carries, errors included (NL API Design Rules API-57)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

API_PREFIX = "/api/"


class ApiHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.path.startswith(API_PREFIX):
            response["API-Version"] = settings.KOEPEL_API_VERSION
            # Answers depend on the token; no shared cache may keep them.
            response.setdefault("Cache-Control", "no-store")
            response.setdefault("Content-Security-Policy", "frame-ancestors 'none'")
        return response
