"""Every write of the API takes only the fields it stores: a read-only or unknown field is a
400 that names it, never dropped.

The operations come from the committed OpenAPI document (which test_openapi_document keeps
equal to the code), so an endpoint added tomorrow is walked here the day it is added. A field
is read-only for an operation when its answer shows it and its request does not take it.
Each is sent as the network office with its token, to a record of the demo that exists and
with the record's current ETag, so nothing stops the request before its input is read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client, override_settings

from koepel.accounts.tests.factories import UserFactory
from koepel.api import services
from koepel.api.tests.conftest import ApiClient, with_second_factor
from koepel.api.tests.test_against_the_document import Crawl, _shape, seed_records_below
from koepel.api.tests.test_openapi_document import COMMITTED

pytestmark = pytest.mark.usefixtures("shared_demo")

DOCUMENT = json.loads(COMMITTED.read_text())
SCHEMAS = DOCUMENT["components"]["schemas"]
WRITES = sorted(
    (template, method)
    for template, operations in DOCUMENT["paths"].items()
    for method in operations
    if method in {"post", "put", "patch"}
)
UNKNOWN = "bestaatNiet"


def _resolved(schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    return SCHEMAS[ref.rsplit("/", 1)[-1]] if ref else schema


def request_of(template: str, method: str) -> tuple[str, dict[str, Any]]:
    """The media type the operation takes, and the fields of its request."""
    content = DOCUMENT["paths"][template][method]["requestBody"]["content"]
    media = "application/json" if "application/json" in content else next(iter(content))
    return media, _resolved(content[media]["schema"]).get("properties", {})


def answer_of(template: str, method: str) -> dict[str, Any]:
    """The fields of the record the operation answers with."""
    responses = DOCUMENT["paths"][template][method]["responses"]
    for code in ("200", "201"):
        content = responses.get(code, {}).get("content", {})
        if "application/json" in content:
            return dict(_resolved(content["application/json"]["schema"]).get("properties", {}))
    return {}


def read_only_fields(template: str, method: str) -> list[str]:
    _, taken = request_of(template, method)
    return sorted(set(answer_of(template, method)) - set(taken))


def test_the_walk_covers_the_writes_of_the_document() -> None:
    """The walk below is only as good as what it finds: every resource that is written, and
    the read-only fields of the records."""
    collections = {_shape(t).split("/{}")[0] for t, _ in WRITES}
    assert {
        "/api/v1/bijeenkomsten",
        "/api/v1/gemeenten",
        "/api/v1/lidmaatschappen",
        "/api/v1/netwerk",
        "/api/v1/lobbyacties",
        "/api/v1/documenten",
        "/api/v1/jaarverslagen",
    } <= collections
    assert len(WRITES) >= 50
    assert "url" in read_only_fields("/api/v1/bijeenkomsten/{id}", "patch")
    assert "nummer" in read_only_fields("/api/v1/documenten/{document_slug}/bestanden", "post")
    assert "status" in read_only_fields("/api/v1/lobbydossiers/{slug}", "put")


class Walk:
    """The office's token and, per write, the address of a record to send it to: found once
    for the module, in the module's demo (and rolled back with it)."""

    def __init__(self, token: str) -> None:
        self.api = ApiClient(token)
        templates = [t for t in DOCUMENT["paths"] if "{" in t]
        crawl = Crawl(Client(headers=self.api.headers), templates)
        # Records under the meetings and a lobby action, which the demo does not have.
        seed_records_below(
            meetings=[int(pk) for (pk,) in crawl.keys("/api/v1/bijeenkomsten/{}")[:2]],
            action=int(crawl.keys("/api/v1/lobbyacties/{}")[0][0]),
        )
        crawl.found.clear()
        self.addresses: dict[str, str] = {}
        for template, _method in WRITES:
            shape = _shape(template)
            found = crawl.keys(shape) if "{}" in shape else [()]
            if found:
                self.addresses[template] = shape.replace("{}", "%s") % found[0]

    def address(self, template: str) -> str:
        assert template in self.addresses, f"no record to write to for {template}"
        return self.addresses[template]

    def send(self, template: str, method: str, body: dict[str, Any]) -> Any:
        address = self.address(template)
        media, _ = request_of(template, method)
        headers = dict(self.api.headers)
        if method in {"put", "patch"}:
            headers["If-Match"] = self.api.get(address)["ETag"]
        send = getattr(self.api.client, method)
        if media == "application/json":
            return send(address, body, content_type=media, headers=headers)
        form = {name: "" if value is None else str(value) for name, value in body.items()}
        return send(address, form, headers=headers)  # a form, as a file upload is sent

    def shown(self, template: str, method: str) -> dict[str, Any]:
        """The record as read, for an operation on one record (its values are sent back)."""
        if method == "post":
            return {}
        answer: dict[str, Any] = self.api.get(self.address(template)).json()
        return answer


@pytest.fixture(scope="module")
def walk(_demo_for_module: Path, django_db_blocker: Any) -> Walk:
    with django_db_blocker.unblock(), override_settings(WHITENOISE_AUTOREFRESH=True):
        office = with_second_factor(UserFactory(office=True))
        _, secret = services.token_create(user=office, name="alles-of-niets")
        return Walk(secret)


def _refused(response: Any, name: str, code: str) -> bool:
    if response.status_code != 400:
        return False
    params = response.json()["invalidParams"]
    assert all(param["name"] for param in params), params  # a name is never empty
    return any(param["name"] == name and param["code"] == code for param in params)


@pytest.mark.parametrize(("template", "method"), WRITES)
def test_a_read_only_or_unknown_field_is_refused_by_name(
    walk: Walk, template: str, method: str
) -> None:
    shown = walk.shown(template, method)
    read_only = read_only_fields(template, method)
    if read_only:
        # Each with the value as it was read: a record sent back as it came is refused too.
        # Sent together, each is named (every wrong field at once); the first also alone.
        response = walk.send(template, method, {name: shown.get(name, "x") for name in read_only})
        for name in read_only:
            assert _refused(response, name, "read_only"), (name, response.content)
        assert "kan niet worden geschreven" in response.json()["detail"]
        alone = walk.send(template, method, {read_only[0]: shown.get(read_only[0], "x")})
        assert _refused(alone, read_only[0], "read_only"), alone.content
    response = walk.send(template, method, {UNKNOWN: "x"})
    assert _refused(response, UNKNOWN, "unknown"), (response.status_code, response.content)
    assert f"{UNKNOWN}: Onbekend veld." in response.json()["detail"]


def test_a_refused_field_comes_with_every_other_wrong_field(walk: Walk) -> None:
    """Invalid input lists every wrong field at once, the refused ones among them."""
    response = walk.send("/api/v1/bijeenkomsten", "post", {"id": 7, "datum": "gisteren"})
    names = {param["name"] for param in response.json()["invalidParams"]}
    assert {"id", "datum", "titel", "gremia"} <= names


def test_a_version_in_the_body_is_pointed_to_if_match(walk: Walk) -> None:
    response = walk.send("/api/v1/gremia/{slug}", "patch", {"version": 3})
    assert _refused(response, "version", "unknown")
    assert "If-Match" in response.json()["detail"]
