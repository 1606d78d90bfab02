"""The OpenAPI document: public, open to every origin (NL API Design Rules API-51)."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator


@cache
def document() -> dict[str, Any]:
    """The API's description, generated from the code once per process."""
    generator = SchemaGenerator(patterns=None, urlconf=None)  # type: ignore[no-untyped-call]
    # Described in Dutch (API-16), whatever language the process or the asker uses.
    with translation.override("nl"):
        schema: dict[str, Any] = generator.get_schema(request=None, public=True)  # type: ignore[no-untyped-call]
    return schema


def document_json() -> str:
    return json.dumps(document(), indent=2, ensure_ascii=False, sort_keys=False) + "\n"


@require_safe
def openapi_document(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(document_json(), content_type="application/json; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response
