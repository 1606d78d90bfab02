"""Who changed something, and from where: the request's account and address for the trail.

The account is read when each entry is written, not when the request comes in. A page request
is signed in by its session before any view runs, but the API signs its client in with a
personal token inside the view (Django REST framework), after every middleware has run; read at
the start, each API change would be the system's. The token the API accepted is recorded with
the entry as well (``trail.THROUGH_API``), so that an entry tells which of a person's tokens made
it.
"""

from __future__ import annotations

from typing import Any

from auditlog.middleware import AuditlogMiddleware
from django.contrib.auth import get_user_model
from django.db import models
from django.http import HttpRequest

from koepel.audit.trail import THROUGH_API
from koepel.core.clients import client_address

# The model of the API's personal tokens, by its label: audit and api import neither of each
# other (docs/architecture.md).
CREDENTIAL_MODEL = "api.apitoken"


def _account(request: HttpRequest) -> Any:
    """The account the request acts for now: the session's, or the one the API's token named."""
    user = getattr(request, "user", None)
    if isinstance(user, get_user_model()) and user.is_authenticated:
        return user
    return None


def _token(request: HttpRequest) -> dict[str, Any] | None:
    """The API token the request was let in with, as the trail names it: never its secret."""
    token = getattr(request, "auth", None)
    if not isinstance(token, models.Model) or token._meta.label_lower != CREDENTIAL_MODEL:
        return None
    return {"id": token.pk, "name": getattr(token, "name", "")}


class AuditMiddleware(AuditlogMiddleware):
    """Like auditlog's, but an ``X-Forwarded-For`` header is believed only behind our own
    proxy (``KOEPEL_BEHIND_PROXY``), and then only the address the proxy added (the last):
    anything before it the client may have written itself. The account, and the API token if
    any, are read as each entry is written."""

    @staticmethod
    def _get_remote_addr(request: HttpRequest) -> Any:
        # The same rule as the lockout's: something that is no IP address is not believed (and
        # would not fit the trail's address column on PostgreSQL).
        return client_address(request)

    @staticmethod
    def _get_remote_port(request: HttpRequest) -> None:
        return None

    def get_extra_data(self, request: HttpRequest) -> dict[str, Any]:
        # auditlog calls each callable value when it writes an entry, and sets the entry's
        # field of that name to the result.
        def actor_id() -> Any:
            account = _account(request)
            return account.pk if account else None

        def actor_email() -> Any:
            account = _account(request)
            return getattr(account, "email", None) or None

        def additional_data() -> dict[str, Any] | None:
            token = _token(request)
            return {THROUGH_API: token} if token else None

        return {
            "remote_addr": self._get_remote_addr(request),
            "remote_port": self._get_remote_port(request),
            "actor_id": actor_id,
            "actor_email": actor_email,
            "additional_data": additional_data,
        }
