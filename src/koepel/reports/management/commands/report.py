"""``koepel report 2021 --format pdf --output jaarverslag.pdf``: the annual report as a file,
made at once (the web pages leave PDFs to the task worker)."""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from koepel.reports.assemble import Assembled, assemble
from koepel.reports.models import AnnualReport, Audience
from koepel.reports.renderers import RendererUnavailable, renderers
from koepel.reports.renderers.pdf import PdfRenderer

# Facts that hold in any year the registry covers (who takes part, the network itself): a year
# with only these has nothing to report.
# Facts that hold whatever the year: what a body is, who leads it, where the network sits.
STANDING_FACTS = {"about", "leads", "participants", "outside", "network"}


def has_records(report: Assembled) -> bool:
    return any(
        section.narrative.strip()
        or any(fact.key.split(":", 1)[0] not in STANDING_FACTS for fact in section.facts)
        for section in report.sections
    )


def dutch_size(size: int) -> str:
    if size < 1_000_000:
        return f"{max(1, round(size / 1000))} kB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


class Command(BaseCommand):
    help = "Write the annual report of a year to a file (PDF, Word or HTML)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument("--format", default="pdf", choices=sorted(renderers()))
        parser.add_argument(
            "--output", type=Path, help="Default: jaarverslag-YEAR.FORMAT in this folder."
        )
        parser.add_argument("--audience", default=Audience.PUBLIC, choices=Audience.values)

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        audience: str = options["audience"]
        renderer = renderers()[options["format"]]
        suffix = "-intern" if audience == Audience.NETWORK else ""
        output: Path = options["output"] or Path(f"jaarverslag-{year}{suffix}.{renderer.extension}")
        if not output.parent.is_dir():
            raise CommandError(
                f"De map {output.parent} bestaat niet. Kies voor --output een bestaande map."
            )
        started = time.perf_counter()
        report = assemble(year, audience, report=AnnualReport.objects.filter(year=year).first())
        if not has_records(report):
            raise CommandError(
                f"Over {year} is niets vastgelegd: geen bijeenkomsten, lobbyacties, publicaties "
                "of teksten. Er is geen jaarverslag gemaakt; kies een ander jaar."
            )
        pages = None
        # The PDF engine reports each step of its layout; on the command line that is noise.
        progress = logging.getLogger("weasyprint.progress")
        level = progress.level
        progress.setLevel(logging.WARNING)
        try:
            if isinstance(renderer, PdfRenderer):
                content, pages = renderer.render_counted(report)
            else:
                content = renderer.render(report)
        except RendererUnavailable as error:
            raise CommandError(str(error)) from error
        finally:
            progress.setLevel(level)
        seconds = time.perf_counter() - started
        try:
            output.write_bytes(content)
        except OSError as error:
            raise CommandError(f"{output} kon niet worden geschreven: {error.strerror}.") from error
        details = [f"{pages} pagina's"] if pages else []
        details += [dutch_size(len(content)), f"{seconds:.1f} s".replace(".", ",")]
        self.stdout.write(f"Geschreven: {output} ({', '.join(details)}).")
