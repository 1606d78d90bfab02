"""Clients for the API as each kind of user: with a personal token, as a real client sends."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from koepel.accounts.access import needs_second_factor
from koepel.accounts.models import User
from koepel.accounts.services import has_second_factor
from koepel.api import services


class ApiClient:
    """The Django test client, speaking JSON and sending a token when it has one."""

    def __init__(self, token: str | None = None) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Token {token}"} if token else {}

    def _send(self, method: str, url: str, body: Any = None, **headers: str) -> Any:
        send = getattr(self.client, method)
        kwargs: dict[str, Any] = {"headers": {**self.headers, **headers}}
        if body is not None:
            kwargs["data"] = body
            kwargs["content_type"] = "application/json"
        return send(url, **kwargs)

    def get(self, url: str, **headers: str) -> Any:
        return self._send("get", url, **headers)

    def post(self, url: str, body: Any, **headers: str) -> Any:
        return self._send("post", url, body, **headers)

    def put(self, url: str, body: Any, **headers: str) -> Any:
        return self._send("put", url, body, **headers)

    def patch(self, url: str, body: Any, **headers: str) -> Any:
        return self._send("patch", url, body, **headers)

    def delete(self, url: str, **headers: str) -> Any:
        return self._send("delete", url, **headers)

    def change(self, method: str, url: str, body: Any = None) -> Any:
        """Read the record for its ETag, then send the change with If-Match."""
        etag = self.get(url)["ETag"]
        return self._send(method, url, body, **{"If-Match": etag})


def with_second_factor(user: User) -> User:
    """Give a user who must sign in with two steps the authenticator app they would have set
    up before their token could act (tests of that rule itself: test_token_rules.py)."""
    if needs_second_factor(user) and not has_second_factor(user=user):
        TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    # The check caches what the user may see on the object; the test may change their roles.
    user.__dict__.pop("_koepel_viewer", None)
    return user


@pytest.fixture
def api_as() -> Callable[[User | None], ApiClient]:
    def make(user: User | None) -> ApiClient:
        if user is None:
            return ApiClient()
        _, secret = services.token_create(user=with_second_factor(user), name="test")
        return ApiClient(secret)

    return make
