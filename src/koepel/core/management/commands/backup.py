"""``koepel backup FILE``: the database and the uploaded files in one archive, while Koepel runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat
from django.utils import translation

from koepel.core.backup import BackupError, make_backup


class Command(BaseCommand):
    help = "Write a consistent back-up of the database and the uploaded files to FILE (.tar.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="The archive to write, e.g. koepel.tar.gz.")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        try:
            summary = make_backup(target)
        except BackupError as error:
            raise CommandError(f"{error} Er is geen back-up gemaakt.") from error
        with translation.override("nl"):
            size = filesizeformat(target.stat().st_size)
        self.stdout.write(
            self.style.SUCCESS(f"Back-up geschreven naar {target} ({size}).")
            + f"\nDatabase ({summary.engine}): {len(summary.tables)} tabellen, "
            f"{summary.rows} rijen, stand van {summary.created}."
            f"\nBestanden: {summary.files_in('private')} documenten en "
            f"{summary.files_in('media')} andere bestanden."
        )
