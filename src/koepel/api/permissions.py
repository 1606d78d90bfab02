"""Who may use the API at all; what each may see and change is koepel.accounts.access's."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, permissions
from rest_framework.request import Request

from koepel.api.models import ApiToken

READ_ONLY_TOKEN = _(
    "This token may only read. To create, change or delete records, make a token that may "
    "also change them on the API tokens page."
)


class ReadOrSignedIn(permissions.IsAuthenticatedOrReadOnly):
    """Anyone may read what they may see; changing anything needs a token that may change
    records (not a read-only one). Which changes a token's owner may make is decided by the
    services and koepel.accounts.access."""

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if (
            isinstance(token, ApiToken)
            and token.read_only
            and request.method not in permissions.SAFE_METHODS
        ):
            raise exceptions.PermissionDenied(READ_ONLY_TOKEN)
        return super().has_permission(request, view)
