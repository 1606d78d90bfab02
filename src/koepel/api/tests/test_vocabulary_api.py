"""Through the API, kinds of body are codes of the network's vocabulary: one it does not have
is a 400 that names the field and the codes it does have."""

from __future__ import annotations

from typing import Any

from koepel.accounts.tests.factories import UserFactory
from koepel.registry.tests.test_vocabulary import new_network

__all__ = ["new_network"]


def test_the_api_refuses_a_kind_the_network_does_not_have(new_network: None, api_as: Any) -> None:
    api = api_as(UserFactory(office=True))
    refused = api.post("/api/v1/gremia", {"slug": "x", "naam": "X", "soort": "theme_group"})
    assert refused.status_code == 400
    params = refused.json()["invalidParams"]
    assert [p["name"] for p in params] == ["soort"]
    assert "theme_group" in params[0]["reason"]
    made = api.post("/api/v1/gremia", {"slug": "x", "naam": "X", "soort": "commissie"})
    assert made.status_code == 201, made.json()
