"""``koepel import-document FILE``: add a document and split it into sections by its headings."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from koepel.accounts.access import SYSTEM
from koepel.core.dates import parse_partial_date
from koepel.library import reading, services
from koepel.library.models import DocumentFile, DocumentKind
from koepel.registry.models import Organisation


class Command(BaseCommand):
    help = "Import a document (PDF, DOCX, ODT, TXT, Markdown) into the knowledge base."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--title", help="Default: the file name.")
        parser.add_argument("--kind", default="overig", choices=DocumentKind.values)
        parser.add_argument("--year", help="Or a date: 2021, 2021-09 or 2021-09-14.")
        parser.add_argument("--publisher", help="The slug of the publishing organisation.")
        parser.add_argument(
            "--visibility", default="public", choices=["public", "network", "body", "restricted"]
        )
        parser.add_argument(
            "--if-new",
            action="store_true",
            help="Do nothing when a file with the same content is already stored.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            content = path.read_bytes()
        except FileNotFoundError as error:
            raise CommandError(f"Het bestand {path} bestaat niet.") from error
        if (
            options["if_new"]
            and DocumentFile.objects.filter(sha256=hashlib.sha256(content).hexdigest()).exists()
        ):
            self.stdout.write(f"{path.name} staat al in de kennisbank.")
            return
        fields: dict[str, Any] = {
            "title": options["title"] or path.stem.replace("-", " ").replace("_", " ").capitalize(),
            "kind": options["kind"],
            "visibility": options["visibility"],
        }
        if options["year"]:
            try:
                fields["date"], fields["date_precision"] = parse_partial_date(options["year"])
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from error
        if options["publisher"]:
            publisher = Organisation.objects.filter(slug=options["publisher"]).first()
            if publisher is None:
                raise CommandError(f"Er is geen organisatie '{options['publisher']}'.")
            fields["publisher"] = publisher
        try:
            document = services.document_create(
                actor=SYSTEM, file=SimpleUploadedFile(path.name, content), **fields
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages) + " Er is niets opgeslagen.") from error
        latest = document.files.get()
        # Read here to its end, however long it takes; the task worker then finds it read.
        reading.read(latest.pk)
        latest.refresh_from_db()
        sections = document.sections.count()
        self.stdout.write(f"Ingelezen: {document.title} ({document.get_absolute_url()})")
        if latest.extraction == "mislukt":
            self.stdout.write(
                f"De tekst kon niet worden gelezen: {latest.extraction_error}. "
                "Het bestand is wel bewaard."
            )
        else:
            self.stdout.write(f"{sections} secties, {len(latest.text)} tekens tekst.")
