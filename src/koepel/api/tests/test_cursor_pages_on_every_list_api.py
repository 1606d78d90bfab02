"""Every list of the API walks by cursor to the same rows as by page number: on the demo
network, as the network office and without a token, each row once."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.api.tests.conftest import ApiClient

DOCUMENT = json.loads((Path(__file__).parents[4] / "docs" / "api" / "openapi.json").read_text())
# The top-level lists: those without a parent in their address and without a required filter.
LISTS = sorted(
    path
    for path, operations in DOCUMENT["paths"].items()
    if "{" not in path
    and "get" in operations
    and any(p["name"] == "cursor" for p in operations["get"].get("parameters", []))
    and not any(p.get("required") and p["in"] == "query" for p in operations["get"]["parameters"])
)


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}"


def _rows(api: ApiClient, url: str | None) -> list[str]:
    rows: list[str] = []
    while url:
        answer = api.get(url)
        assert answer.status_code == 200, (url, answer.content)
        body = answer.json()
        rows += [json.dumps(row, sort_keys=True) for row in body["resultaten"]]
        url = _path(body["volgende"]) if body["volgende"] else None
    return rows


@pytest.mark.parametrize("who", ["office", "anonymous"])
def test_every_list_walks_by_cursor_to_the_rows_of_its_pages(
    shared_demo: None, api_as: Callable[[User | None], ApiClient], who: str
) -> None:
    assert len(LISTS) > 10
    api = api_as(UserFactory(office=True) if who == "office" else None)
    for path in LISTS:
        by_number = _rows(api, f"{path}?paginaGrootte=100")
        by_cursor = _rows(api, f"{path}?cursor=&paginaGrootte=7")
        assert len(by_cursor) == len(set(by_cursor)), path
        assert sorted(by_cursor) == sorted(by_number), path
