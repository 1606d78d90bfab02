"""The address a request comes from, as far as Koepel can believe it."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str | None:
    """``REMOTE_ADDR``; behind our own proxy (``KOEPEL_BEHIND_PROXY``) the last address of
    ``X-Forwarded-For``, the one that proxy added: anything before it the client may have
    written itself. Something there that is no IP address is not believed either. The lockout
    after failed sign-ins counts per user name and this address (``AXES_CLIENT_IP_CALLABLE``);
    the audit trail follows the same rule."""
    remote: str | None = request.META.get("REMOTE_ADDR")
    forwarded = request.headers.get("X-Forwarded-For", "")
    if not settings.KOEPEL_BEHIND_PROXY or not forwarded.strip():
        return remote
    last = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return remote
