"""``koepel import KIND FILE [KIND FILE …] [--dry-run]``: read registry records from CSV or Excel.

The kinds are those of ``koepel export``: leden, organisaties, personen, gremia, rollen and
deelnames. Several files are read as one import (people and the roles that name them, say):
every row of every file is checked first, and nothing is written unless all of them pass.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from koepel.registry.exchange import KINDS, Outcome, run_import


class Command(BaseCommand):
    help = "Import registry records (leden, organisaties, personen, gremia, rollen, deelnames) from CSV or xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "pairs",
            nargs="+",
            metavar="KIND FILE",
            help=f"a kind ({', '.join(KINDS)}) and its file; more pairs for one import",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="check every row and write nothing"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        pairs: list[str] = options["pairs"]
        if len(pairs) % 2:
            raise CommandError(
                "Geef per bestand de soort en het bestand: koepel import personen personen.csv"
            )
        files: list[tuple[str, bytes]] = []
        for kind, name in zip(pairs[::2], pairs[1::2], strict=True):
            if kind not in KINDS:
                raise CommandError(f"Onbekende soort “{kind}”. Kies uit: {', '.join(KINDS)}.")
            try:
                files.append((kind, Path(name).read_bytes()))
            except FileNotFoundError as error:
                raise CommandError(f"Het bestand {name} bestaat niet.") from error
        with translation.override("nl"):
            outcome = run_import(files, dry_run=options["dry_run"])
            self._report(outcome)

    def _report(self, outcome: Outcome) -> None:
        for kind, counts in outcome.counts.items():
            self.stdout.write(
                f"{kind}: {counts['rows']} regels; {counts['new']} nieuw, "
                f"{counts['changed']} gewijzigd, {counts['unchanged']} ongewijzigd"
            )
        if outcome.problems:
            for problem in outcome.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(outcome.problems)} problemen gevonden. Er is niets gewijzigd."
            )
        if outcome.dry_run:
            self.stdout.write("Proefimport: alle regels zijn in orde. Er is niets gewijzigd.")
        else:
            self.stdout.write(self.style.SUCCESS("Geïmporteerd."))
