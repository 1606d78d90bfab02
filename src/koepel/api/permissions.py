"""Who may use the API at all; what each may see and change is koepel.accounts.access's."""

from __future__ import annotations

from rest_framework import permissions


class ReadOrSignedIn(permissions.IsAuthenticatedOrReadOnly):
    """Anyone may read what they may see; changing anything needs a token. Which changes a
    token's owner may make is decided by the services and koepel.accounts.access."""
