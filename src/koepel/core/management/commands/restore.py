"""``koepel restore FILE``: put a back-up made by ``koepel backup`` back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from koepel.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore the database and the uploaded files from a back-up. Refuses a database or "
        "upload folder that already holds data, unless --force is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="An archive written by `koepel backup`.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the database, and files of the same name, even when they hold data.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        source: Path = options["file"]
        try:
            summary, notes = restore_backup(source, force=options["force"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Teruggezet uit {source} (stand van {summary.created}).")
            + f"\nDatabase ({summary.engine}): {len(summary.tables)} tabellen, "
            f"{summary.rows} rijen, alle aantallen gecontroleerd."
            f"\nBestanden: {summary.files_in('private')} documenten en "
            f"{summary.files_in('media')} andere bestanden, elk gecontroleerd op zijn "
            "SHA-256."
        )
        for note in notes:
            self.stdout.write(note)
