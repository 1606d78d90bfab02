"""``koepel generate-data --scale N [--seed S]``: a generated network, for load tests and
benchmarks, in an empty database."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from koepel.generate.generator import ACCOUNTS, database_is_empty, generate


class Command(BaseCommand):
    help = (
        "Fill an empty database with a generated network: scale 1 is about the G40 in one "
        "year, scale 100 about 400 municipalities over ten years. The same seed gives the "
        "same data."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scale", type=float, required=True)
        parser.add_argument("--seed", type=int, default=2021)
        parser.add_argument(
            "--until-year", type=int, default=2021, help="The last year with meetings."
        )
        parser.add_argument(
            "--password",
            default="",
            help="A password for the accounts it makes (bureau, lid, secretaris); "
            "without one they cannot sign in.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale = options["scale"]
        if not 0 < scale <= 1000:
            raise CommandError(
                "De schaal moet groter dan 0 en hoogstens 1000 zijn, bijvoorbeeld 1, 10 of 100."
            )
        if not 1900 < options["until_year"] < 2200:
            raise CommandError("Kies een jaar tussen 1900 en 2200 voor --until-year.")
        if not database_is_empty():
            raise CommandError(
                "De database bevat al gegevens. Maak de gegevens aan in een lege database."
            )
        result = generate(
            scale=scale,
            seed=options["seed"],
            until_year=options["until_year"],
            password=options["password"] or None,
            progress=lambda message: self.stdout.write(f"  {message}"),
        )
        self.stdout.write(f"Schaal {scale:g}, seed {options['seed']}:")
        for noun, count in sorted(result.counts.items()):
            self.stdout.write(f"  {count:>10,}  {noun}")
        self.stdout.write(f"Accounts: {', '.join(ACCOUNTS)}.")
        self.stdout.write(self.style.SUCCESS(f"Klaar in {result.total_seconds:.1f} s."))
