"""Who changed something, and from where: the request's account and address for the trail."""

from __future__ import annotations

from typing import Any

from auditlog.middleware import AuditlogMiddleware
from django.conf import settings
from django.http import HttpRequest


class AuditMiddleware(AuditlogMiddleware):
    """Like auditlog's, but an ``X-Forwarded-For`` header is believed only behind our own
    proxy (``KOEPEL_BEHIND_PROXY``), and then only the address the proxy added (the last):
    anything before it the client may have written itself."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> Any:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if settings.KOEPEL_BEHIND_PROXY and forwarded.strip():
            return forwarded.split(",")[-1].strip() or request.META.get("REMOTE_ADDR")
        return request.META.get("REMOTE_ADDR")

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> None:
        return None
