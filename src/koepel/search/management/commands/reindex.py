"""``koepel reindex``: build the search index again from scratch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from koepel.search import index


class Command(BaseCommand):
    help = "Build the search index again from every record."

    def handle(self, *args: Any, **options: Any) -> None:
        count = index.rebuild()
        self.stdout.write(self.style.SUCCESS(f"Zoekindex opnieuw opgebouwd: {count} items."))
