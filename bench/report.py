#!/usr/bin/env python3
"""Benchmark of the annual report: how long Koepel takes to write it as HTML, Word and PDF.

    python bench/report.py [--year 2021] [--rounds 5]
    python bench/report.py --data-dir /tmp/koepel-s100 [--database-url postgres://…] --year 2021

Without ``--data-dir`` it builds a throwaway SQLite database in a temporary folder, migrates
it, loads the demo network (``koepel demo``) and, when you have a copy of the published G40
report of 2021 (``--source``, else ``KOEPEL_REPORT_2021``: see docs/operations.md), imports
it into the knowledge base as ``make run`` does and uses its sections as the report's
narratives, so the report has the length of the real one. With ``--data-dir`` (and, for
PostgreSQL, ``--database-url``) it reads a network made by ``koepel generate-data --scale N``
as it is, and changes nothing in it. Then, round by round and interleaved, it times:

1. assemble + HTML: the report read from the records and written as HTML;
2. assemble + DOCX: the same, written as a Word document;
3. assemble + PDF: the same, laid out as PDF (Koepel end to end);
4. WeasyPrint alone: the PDF engine on the finished HTML of the same report, with the same
   options, without Koepel around it.

It prints the medians, the number of PDF pages and the ratio of (3) to (4), and where the time
of (3) goes. The ratio is taken per round, (3) over (4) of the same round, and printed as the
median and range of those ratios: a ratio of two medians mixes rounds that saw a different
machine. A warm-up round (imports, template and font caches) is not counted. The load average
is printed at the start and at the end.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import benchstats  # noqa: E402 - paired ratios shared by the benchmarks

TARGETS = {"html": 1.0, "docx": 2.0, "pdf": 10.0}
RATIO_TARGET = 1.2


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--year", type=int, default=2021)
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds")
    parser.add_argument("--audience", choices=["public", "network"], default="public")
    parser.add_argument("--source", type=Path, help="the published report as text")
    parser.add_argument("--keep", type=Path, help="also write the three files into this folder")
    parser.add_argument(
        "--data-dir", type=Path, help="KOEPEL_DATA_DIR of a generated network, read as it is"
    )
    parser.add_argument("--database-url", default="", help="with --data-dir: PostgreSQL")
    parser.add_argument(
        "--only",
        default="html,docx,pdf,weasyprint",
        help="the cases to time, comma-separated (a long report: --only pdf,weasyprint)",
    )
    parser.add_argument(
        "--no-stages", action="store_true", help="skip the breakdown of the PDF's time"
    )
    return parser.parse_args()


def start_django(folder: str, database_url: str = "") -> None:
    os.environ["KOEPEL_DATA_DIR"] = folder
    os.environ.pop("DATABASE_URL", None)
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("SECRET_KEY", "bench-" + "x" * 50)
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "koepel.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def load(year: int, source: Path | None) -> str:
    """Migrate, load the demo and, when at hand, the published report; say what was loaded."""
    from django.core.management import call_command

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("demo", stdout=quiet)
    from koepel.core.published_report import published_report

    found = source or published_report()
    if found is None or not found.is_file():
        return "the demo alone (the published report was not found)"
    call_command(
        "import_document",
        str(found),
        "--if-new",
        "--kind",
        "jaarverslag",
        "--year",
        str(year),
        "--title",
        f"Jaarverslag {year}",
        stdout=quiet,
    )
    filled = narratives_from_published(year)
    return f"the demo, and {filled} narratives from {found}"


def generated_network() -> str:
    """What a network made by ``generate-data`` holds, in a line."""
    from koepel.library.models import Section
    from koepel.meetings.models import Meeting
    from koepel.registry.models import Municipality

    return (
        f"a generated network: {Municipality.objects.count():,} municipalities, "
        f"{Meeting.objects.count():,} meetings, {Section.objects.count():,} sections"
    )


def _core(title: str) -> str:
    """ "Pijler ‘Sociaal’" → "sociaal"; "Themagroep Zorg, Jeugd en Onderwijs" → "zorg jeugd en
    onderwijs"; "Thema Zorg Jeugd en Onderwijs" → the same."""
    title = re.sub(r"^(pijler|thema|themagroep)\s+", "", title.strip(), flags=re.IGNORECASE)
    return re.sub(r"[‘’'\",]", "", title).lower().strip()


def narratives_from_published(year: int) -> int:
    """Give each section of the report the text of the published section of the same name."""
    from koepel.library.models import Section
    from koepel.reports.assemble import assemble
    from koepel.reports.models import SectionStatus, SectionText
    from koepel.reports.services import report_for_year

    report = report_for_year(year)
    sections = assemble(year, report=report).sections
    keys: dict[str, str] = {"voorwoord": "voorwoord"}
    pillar = ""
    for section in sections:
        if section.level == 1:
            pillar = _core(section.title)
            keys[pillar] = section.key
        elif section.title == "Algemeen":
            keys[f"{pillar} › algemeen"] = section.key
        else:
            keys[_core(section.title)] = section.key
    closing = sections[-1].key
    texts: dict[str, list[str]] = {}
    published = Section.objects.filter(document__title=f"Jaarverslag {year}").order_by("position")
    current_pillar = ""
    for part in published:
        if part.level == 1:
            current_pillar = _core(part.title)
        name = _core(part.title)
        if name == "algemeen" or (
            part.level == 3 and part.parent and part.parent.title == "Algemeen"
        ):
            key = keys.get(f"{current_pillar} › algemeen")
        elif name.startswith("informatie over"):
            key = closing
        else:
            key = keys.get(name)
        if key and part.text.strip():
            texts.setdefault(key, []).append(part.text.strip())
    for key, parts in texts.items():
        SectionText.objects.update_or_create(
            report=report,
            key=key,
            defaults={"narrative": "\n\n".join(parts), "status": SectionStatus.FINAL},
        )
    return len(texts)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    args = parse_args()
    print(f"start: {benchstats.loadavg()}")
    try:
        measure(args)
    finally:
        print(f"end: {benchstats.loadavg()}")


def measure(args: argparse.Namespace) -> None:
    if args.data_dir:
        start_django(str(args.data_dir.resolve()), args.database_url)
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        run(args)
        return
    folder = tempfile.mkdtemp(prefix="koepel-bench-report-")
    try:
        start_django(folder)
        logging.getLogger("weasyprint").setLevel(logging.ERROR)
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    from koepel.reports.assemble import assemble
    from koepel.reports.models import AnnualReport
    from koepel.reports.renderers.docx import DocxRenderer
    from koepel.reports.renderers.html import HtmlRenderer, report_html
    from koepel.reports.renderers.pdf import PdfRenderer, weasyprint_alone

    loaded = generated_network() if args.data_dir else load(args.year, args.source)
    report = AnnualReport.objects.filter(year=args.year).first()
    year, audience = args.year, args.audience

    def koepel(render: Callable[[Any], Any]) -> Callable[[], Any]:
        return lambda: render(assemble(year, audience, report=report))

    html = report_html(assemble(year, audience, report=report), for_print=True)
    every: dict[str, Callable[[], Any]] = {
        "html": koepel(HtmlRenderer().render),
        "docx": koepel(DocxRenderer().render),
        "pdf": koepel(PdfRenderer().render_counted),
        "weasyprint": lambda: weasyprint_alone(html),
    }
    wanted = {name.strip() for name in args.only.split(",")}
    if not {"pdf", "weasyprint"} <= wanted:
        raise SystemExit("--only must include pdf and weasyprint: their ratio is the point.")
    cases = {name: run for name, run in every.items() if name in wanted}
    times: dict[str, list[float]] = {name: [] for name in cases}
    results: dict[str, Any] = {}
    for round_number in range(args.rounds + 1):
        order = list(cases)
        order = order[round_number % len(order) :] + order[: round_number % len(order)]
        for name in order:
            started = time.perf_counter()
            results[name] = cases[name]()
            if round_number:  # the first round warms up
                times[name].append(time.perf_counter() - started)

    stages = {} if args.no_stages else where_the_time_goes(year, audience, report, args.rounds)
    pdf, pages = results["pdf"]
    assembled = assemble(year, audience, report=report)
    facts = sum(len(section.facts) for section in assembled.sections)
    narratives = sum(1 for section in assembled.sections if section.narrative)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for name, suffix in (("html", "html"), ("docx", "docx")):
            if name in results:
                (args.keep / f"jaarverslag-{year}.{suffix}").write_bytes(results[name])
        (args.keep / f"jaarverslag-{year}.pdf").write_bytes(pdf)

    print(f"Annual report {year} ({audience}), {args.rounds} rounds, interleaved; median seconds")
    print(f"machine: {machine()}")
    print(f"data: {loaded}")
    print(
        f"report: {len(assembled.sections)} sections, {facts} facts, {narratives} with a "
        f"narrative; PDF {pages} pages, {len(pdf) // 1000} kB"
        + (f"; DOCX {len(results['docx']) // 1000} kB" if "docx" in results else "")
    )
    print()
    print(f"{'':28}{'median':>8}{'min':>8}{'max':>8}   target")
    labels = {
        "html": "assemble + HTML",
        "docx": "assemble + DOCX",
        "pdf": "assemble + PDF (Koepel)",
        "weasyprint": "WeasyPrint alone",
    }
    for name, label in labels.items():
        if name not in cases:
            continue
        values = times[name]
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else (f"< {target:g} s  {'met' if median(values) < target else 'MISSED'}")
        )
        print(f"{label:28}{median(values):8.3f}{min(values):8.3f}{max(values):8.3f}   {verdict}")
    ratios = benchstats.paired(times["pdf"], times["weasyprint"])
    print(
        f"\nratio Koepel PDF / WeasyPrint alone, per round: {ratios} "
        f"(target < {RATIO_TARGET} at the median: "
        f"{'met' if ratios.median < RATIO_TARGET else 'MISSED'})"
    )
    if stages:
        print("\nwhere the time of the Koepel PDF goes (medians):")
    for stage, seconds in stages.items():
        print(f"  {stage:34}{seconds:8.3f}")


def where_the_time_goes(year: int, audience: str, report: Any, rounds: int) -> dict[str, float]:
    import weasyprint

    from koepel.reports.assemble import assemble
    from koepel.reports.renderers.html import report_html
    from koepel.reports.renderers.pdf import OPTIONS, _html

    stages: dict[str, list[float]] = {
        "assemble (queries, facts, Markdown)": [],
        "HTML template": [],
        "WeasyPrint: parse, style, layout": [],
        "WeasyPrint: write the PDF": [],
    }
    for _ in range(max(1, rounds)):
        marks = [time.perf_counter()]
        assembled = assemble(year, audience, report=report)
        marks.append(time.perf_counter())
        html = report_html(assembled, for_print=True)
        marks.append(time.perf_counter())
        document = _html(weasyprint, html).render(**OPTIONS)
        marks.append(time.perf_counter())
        document.write_pdf(**OPTIONS)
        marks.append(time.perf_counter())
        for index, values in enumerate(stages.values()):
            values.append(marks[index + 1] - marks[index])
    return {stage: median(values) for stage, values in stages.items()}


def machine() -> str:
    from django.db import connection

    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        kilobytes = int(meminfo.read_text().split("MemTotal:")[1].split()[0])
        memory = f", {kilobytes / 1024 / 1024:.1f} GiB"
    return (
        f"{os.cpu_count()} cores{memory}, {platform.system()} {platform.machine()}, "
        f"Python {platform.python_version()}, {connection.vendor}"
    )


if __name__ == "__main__":
    main()
