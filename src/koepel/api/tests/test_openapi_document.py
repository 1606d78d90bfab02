"""The published OpenAPI document: open to all, complete, and the same as the committed one."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.test import Client

from koepel.api.views.openapi import document_json

COMMITTED = Path(__file__).resolve().parents[4] / "docs" / "api" / "openapi.json"


def test_the_committed_document_matches_the_code() -> None:
    assert COMMITTED.read_text() == document_json(), (
        "The API changed but docs/api/openapi.json did not: run "
        "`koepel openapi > docs/api/openapi.json`, note the change in docs/api/CHANGELOG.md "
        "and raise the version in settings.KOEPEL_API_VERSION."
    )


def test_the_document_is_public_and_open_to_every_origin(db: None, client: Client) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["API-Version"] == "1.1.0"
    assert response.json()["openapi"].startswith("3.")


def test_the_document_says_who_answers_for_it_and_which_version() -> None:
    info = json.loads(document_json())["info"]
    assert set(info["contact"]) == {"name", "url", "email"}
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["version"])
    assert "gemeenten" in info["description"]


def test_every_operation_is_described_in_dutch_with_its_errors() -> None:
    document = json.loads(document_json())
    for path, operations in document["paths"].items():
        assert not path.endswith("/"), path
        for method, operation in operations.items():
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            assert "404" in operation["responses"] or path.endswith("openapi.json")
            if method in {"put", "patch", "delete"}:
                assert {"412", "428"} <= set(operation["responses"]), f"{method} {path}"
