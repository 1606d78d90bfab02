"""``koepel import-population FILE``: fill in population figures from a CBS StatLine export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from koepel.registry.population_import import (
    SOURCE,
    PopulationFileError,
    import_population,
)


class Command(BaseCommand):
    help = "Read a CBS StatLine CSV export of table 03759ned (population on 1 January)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError as error:
            raise CommandError(f"Het bestand {path} bestaat niet.") from error
        except UnicodeDecodeError:
            text = path.read_bytes().decode("latin-1")
        try:
            with translation.override("nl"):
                report = import_population(text, source=f"{SOURCE} ({path.name})")
        except PopulationFileError as error:
            raise CommandError(f"{error} Er is niets gewijzigd.") from error
        self.stdout.write(f"Onderwerp: {report.topic}")
        self.stdout.write(f"Ingelezen: {len(report.matched)} cijfers.")
        for municipality, year, inhabitants in report.matched:
            self.stdout.write(
                f"  {municipality.name} ({municipality.cbs_code}) {year}: {inhabitants}"
            )
        if report.without_figure:
            self.stdout.write(f"Zonder cijfer bij CBS: {', '.join(report.without_figure)}")
        if report.regions:
            self.stdout.write(
                f"Waarschuwing: {len(report.regions)} regels van het land, een provincie of "
                "een andere regio overgeslagen, want dat is geen gemeente: "
                + ", ".join(sorted(set(report.regions)))
            )
        if report.unmatched:
            self.stdout.write(
                f"Niet herkend als gemeente in Koepel ({len(report.unmatched)}): "
                + ", ".join(sorted(set(report.unmatched)))
            )
