"""``koepel demo``: load the demo network, app by app.

Each app that has demo data has a ``demo`` module with ``is_loaded()`` and ``load()``; they
run in the order of INSTALLED_APPS, so the registry is there before what refers to it.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Load the demo network (the G40 in 2021)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing, and succeed, when the database already holds a network.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        modules = [
            import_module(f"{config.name}.demo")
            for config in apps.get_app_configs()
            if config.name.startswith("koepel.") and find_spec(f"{config.name}.demo")
        ]
        if any(module.is_loaded() for module in modules):
            if options["if_empty"]:
                self.stdout.write("De database bevat al gegevens; de demo is niet opnieuw geladen.")
                return
            raise CommandError("De database bevat al gegevens. Laad de demo in een lege database.")
        for module in modules:
            counts = module.load()
            summary = ", ".join(f"{count} {noun}" for noun, count in counts.items())
            self.stdout.write(f"{module.__name__}: {summary}")
        self.stdout.write(self.style.SUCCESS("Demo geladen."))
