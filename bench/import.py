#!/usr/bin/env python3
"""Benchmark of importing the registry: 10,000 rows of people and roles, and its dry run.

    python bench/import.py [--rows 10000] [--rounds 3]
    python bench/import.py --database-url postgres://postgres@127.0.0.1:5432/koepel_bench

Without ``--database-url`` (or ``DATABASE_URL``) it migrates a throwaway SQLite database in a
temporary folder; with one, an empty PostgreSQL database, which it leaves behind filled. It
makes a small network to import into (200 bodies, forty member cities, ten organisations)
and writes two files as ``koepel export`` writes them: half the rows people, half roles naming
those people (on behalf of a city or an organisation, some ended, some known only by month or
year). Then, round by round and interleaved (the order turns each round), it times:

1. dry run: every row checked, nothing written (``koepel import --dry-run``);
2. import: the same, and every row written in one transaction;
3. again: the import of the same files once more, which finds every row unchanged.

After each import the imported people and roles are removed again, so every round starts from
the same registry. Each person's search entry names the people who share a body with them, so
the cost of indexing grows with the size of the bodies (``--bodies``). It prints the load
average at the start and the end, the median, fastest and slowest run of each, the queries each
run made, and whether the targets are met: the import under 60 seconds and its dry run under
30, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {"dry run": 30.0, "import": 60.0}
PREFIX = "bench-"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="people and roles together")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("DATABASE_URL", ""),
        help="an empty PostgreSQL database; default: SQLite in a temporary folder",
    )
    parser.add_argument(
        "--bodies",
        type=int,
        default=200,
        help="bodies the roles are spread over (200: some 25 seats each, as in a large network)",
    )
    parser.add_argument("--seed", type=int, default=17)
    return parser.parse_args()


def start_django(folder: str, database_url: str) -> None:
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


def network(body_count: int) -> tuple[list[str], list[str], list[str]]:
    """The bodies, cities and organisations the rows refer to (by key), made once."""
    from django.core.management import call_command

    from koepel.registry import services
    from koepel.registry.models import Body, Membership, Organisation
    from koepel.registry.municipalities import Finder, national_list

    call_command("migrate", verbosity=0, interactive=False)
    # The network's terms (kinds of body, functions) a new installation starts with.
    from koepel.registry.vocabulary import install_default_vocabulary

    install_default_vocabulary()
    if Body.objects.filter(slug__startswith=PREFIX).exists():
        raise SystemExit("The database already holds a benchmark run: give an empty one.")
    finder = Finder()
    cities = [known.cbs_code for known in national_list()[:40]]
    for code in cities:
        municipality = services.municipality_save(municipality=finder.unsaved(code))
        services.membership_save(membership=Membership(municipality=municipality))
    organisations = []
    for n in range(10):
        organisation = Organisation(slug=f"{PREFIX}organisatie-{n}", name=f"Organisatie {n}")
        organisation.kind = "other"
        organisations.append(services.organisation_save(organisation=organisation).slug)
    bodies = []
    for n in range(body_count):
        body = Body(slug=f"{PREFIX}gremium-{n}", name=f"Themagroep {n}", kind="werkgroep")
        bodies.append(services.body_save(body=body).slug)
    return bodies, cities, organisations


def files(
    rows: int, bodies: list[str], cities: list[str], organisations: list[str], seed: int
) -> list[tuple[str, bytes]]:
    """A people file and a roles file of ``rows`` rows together, as an export writes them."""
    randomness = random.Random(seed)  # noqa: S311 - test data, not a secret
    people = ["sleutel;naam;sorteernaam;functietitel;gemeente;organisatie;e-mail;telefoon"]
    roles = [
        "persoon;gremium;functie;functiedetail;niveau;namens gemeente;namens organisatie;"
        "begin;einde;notitie"
    ]
    count = rows // 2
    for n in range(count):
        key = f"{PREFIX}persoon-{n}"
        city = randomness.choice(cities) if n % 3 else ""
        organisation = "" if city else randomness.choice(organisations)
        people.append(
            f"{key};Persoon {n};Persoon, {n};wethouder;{city};{organisation};"
            f"persoon{n}@example.org;+31 6 {n:08d}"
        )
    for n in range(rows - count):
        person = f"{PREFIX}persoon-{n % count}"
        body = randomness.choice(bodies)
        function = randomness.choice(["lid", "lid", "lid", "voorzitter", "adviseur"])
        level = randomness.choice(["bestuurlijk", "ambtelijk"])
        start = dt.date(2015, 1, 1) + dt.timedelta(days=randomness.randrange(3000))
        begin = randomness.choice(
            [start.isoformat(), f"{start.year}-{start.month:02d}", str(start.year)]
        )
        end = (start + dt.timedelta(days=400)).isoformat() if n % 4 == 0 else ""
        city = randomness.choice(cities) if n % 2 else ""
        organisation = "" if city else randomness.choice(organisations)
        roles.append(f"{person};{body};{function};;{level};{city};{organisation};{begin};{end};")
    return [
        ("personen", ("\n".join(people) + "\n").encode()),
        ("rollen", ("\n".join(roles) + "\n").encode()),
    ]


def remove_imported() -> None:
    from django.db import transaction

    from koepel.registry.models import Person, Role
    from koepel.search import index

    with transaction.atomic():
        people = Person.objects.filter(slug__startswith=PREFIX)
        Role.objects.filter(person__in=people).delete()
        index.remove_records(list(people.only("pk")))
        people.delete()


def timed(run: Callable[[], Any]) -> tuple[float, int]:
    from django.db import connection

    count = 0

    def counted(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counted):
        started = time.perf_counter()
        run()
        seconds = time.perf_counter() - started
    return seconds, count


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def main() -> None:
    args = parse_args()
    one, five, fifteen = os.getloadavg()
    print(f"start: load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores")
    folder = tempfile.mkdtemp(prefix="koepel-bench-import-")
    try:
        start_django(folder, args.database_url)
        run(args)
    finally:
        one, five, fifteen = os.getloadavg()
        print(f"end: load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores")
        from django.db import connections

        connections.close_all()
        shutil.rmtree(folder, ignore_errors=True)


def run(args: argparse.Namespace) -> None:
    from koepel.registry.exchange import run_import

    bodies, cities, organisations = network(args.bodies)
    data = files(args.rows, bodies, cities, organisations, args.seed)

    def check() -> None:
        outcome = run_import(data, dry_run=True)
        if outcome.problems:
            raise SystemExit(f"the generated file has problems: {outcome.problems[:5]}")

    def write() -> None:
        outcome = run_import(data)
        if not outcome.written or outcome.counts["rollen"]["new"] != args.rows - args.rows // 2:
            raise SystemExit(f"the import did not write every row: {outcome.counts}")

    def again() -> None:
        outcome = run_import(data)
        if outcome.counts["rollen"]["unchanged"] != args.rows - args.rows // 2:
            raise SystemExit(f"importing again changed rows: {outcome.counts}")

    times: dict[str, list[float]] = {"dry run": [], "import": [], "again": []}
    queries: dict[str, int] = {}
    for round_number in range(args.rounds):
        # Both orders: a dry run right after an import, and an import right after a dry run.
        order = ["dry run", "import"] if round_number % 2 == 0 else ["import", "dry run"]
        for name in order:
            if name == "dry run":
                times[name].append(_measure(check, queries, name))
            else:
                times["import"].append(_measure(write, queries, "import"))
                times["again"].append(_measure(again, queries, "again"))
                remove_imported()

    print(
        f"Import of {args.rows:,} rows ({args.rows // 2:,} people, {args.rows - args.rows // 2:,}"
        f" roles), {args.rounds} rounds, interleaved; seconds"
    )
    print(f"machine: {machine()}")
    print(f"into: {args.bodies} bodies, 40 member cities, 10 organisations")
    print()
    print(f"{'':30}{'median':>8}{'min':>8}{'max':>8}{'queries':>9}   target")
    labels = {
        "dry run": "dry run (check, write nothing)",
        "import": "import (check and write)",
        "again": "import again (all unchanged)",
    }
    for name, label in labels.items():
        values = times[name]
        target = TARGETS.get(name)
        verdict = (
            ""
            if target is None
            else f"< {target:g} s  {'met' if median(values) < target else 'MISSED'}"
        )
        print(
            f"{label:30}{median(values):8.2f}{min(values):8.2f}{max(values):8.2f}"
            f"{queries[name]:9,}   {verdict}"
        )
    per_row = median(times["import"]) / args.rows * 1000
    print(f"\nimport per row: {per_row:.2f} ms")


def _measure(step: Callable[[], None], queries: dict[str, int], name: str) -> float:
    seconds, count = timed(step)
    queries[name] = count
    return seconds


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
    sys.stdout = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", line_buffering=True)
    main()
