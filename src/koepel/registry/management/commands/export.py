"""``koepel export KIND [--format csv|xlsx] [--output FILE]``: write registry records as a table.

The file is the one ``koepel import`` reads. The command acts as the network office: it writes
every record, contact details and internal notes included.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from koepel.accounts.access import SYSTEM
from koepel.core.tables import FORMATS, write
from koepel.registry.exchange import KINDS, export_rows
from koepel.registry.models import remembered_terms


class Command(BaseCommand):
    help = "Export registry records (leden, organisaties, personen, gremia, rollen, deelnames) as CSV or xlsx."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("--format", choices=FORMATS, default="csv")
        parser.add_argument(
            "--output", type=Path, help="the file to write (default: standard output, for CSV)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with remembered_terms():  # the vocabulary's labels read once, not per row
            table, rows = export_rows(options["kind"], SYSTEM)
            content = write(table, rows, options["format"])
        output: Path | None = options["output"]
        if output is not None:
            try:
                output.write_bytes(content)
            except OSError as error:
                raise CommandError(f"Kan {output} niet schrijven: {error}") from error
            return
        if options["format"] != "csv":
            raise CommandError("Een Excel-bestand gaat naar een bestand: geef --output.")
        self.stdout.write(content.decode("utf-8"), ending="")
