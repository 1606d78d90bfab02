"""``koepel openapi``: print the API's OpenAPI document, as committed in docs/api/."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from koepel.api.views.openapi import document_json


class Command(BaseCommand):
    help = "Print the OpenAPI document of the API (write it to docs/api/openapi.json)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(document_json(), ending="")
