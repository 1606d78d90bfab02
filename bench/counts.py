#!/usr/bin/env python3
"""The counts a page shows, counted in full and up to the cap, in-process.

    python bench/counts.py --data-dir /tmp/koepel-counts [--database-url postgres://…]
        [--rows 20000] [--rounds 15]

Into a scratch database (an empty data directory, or an empty PostgreSQL database: the script
migrates it and adds its rows) it puts ``--rows`` public lobby dossiers (70 % ongoing, 20 %
achieved, 10 % withdrawn, two statuses with none) in one body, and ``--rows`` people, each
with a seat in one of 200 bodies. Then, for a visitor and for the office, it times (median
of ``--rounds`` after one warm-up) the lobby's counts per status and the home page's key
numbers: counted in full (a grouped ``COUNT`` over every visible dossier; ``COUNT`` of each
figure) and as the pages count them now, each count stopping at ``KOEPEL_COUNT_CAP`` + 1.
No cache, no HTTP: the database's work and the ORM's, per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from benchstats import loadavg  # noqa: E402


def _median_ms(work: Callable[[], Any], rounds: int) -> float:
    work()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="KOEPEL_DATA_DIR")
    parser.add_argument("--database-url", default="", help="PostgreSQL; default: SQLite")
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()

    args.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["KOEPEL_DATA_DIR"] = str(args.data_dir)
    os.environ["KOEPEL_CACHE"] = "off"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koepel.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from koepel.accounts.access import visible_bodies
    from koepel.accounts.models import User
    from koepel.advocacy import selectors as lobby
    from koepel.advocacy.models import Dossier, DossierStatus, status_order_of
    from koepel.registry import selectors as registry
    from koepel.registry.models import Body, Person, Role

    print(loadavg())
    call_command("migrate", verbosity=0)
    if Dossier.objects.exists() or Person.objects.exists():
        raise SystemExit("The database holds records already: give the script an empty one.")
    mix = [DossierStatus.ONGOING] * 7 + [DossierStatus.ACHIEVED] * 2 + [DossierStatus.WITHDRAWN]
    body = Body.objects.create(name="Lobby", slug="lobby", kind="theme_group")
    dossiers = Dossier.objects.bulk_create(
        Dossier(
            title=f"Dossier {i}",
            slug=f"dossier-{i}",
            goal="Meer woningen.",
            status=mix[i % 10],
            status_order=status_order_of(mix[i % 10]),
        )
        for i in range(args.rows)
    )
    Dossier.bodies.through.objects.bulk_create(
        Dossier.bodies.through(dossier_id=d.pk, body_id=body.pk) for d in dossiers
    )
    bodies = Body.objects.bulk_create(
        Body(name=f"Themagroep {i}", slug=f"themagroep-{i}", kind="theme_group") for i in range(200)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Persoon {i}", sort_name=f"persoon {i}", slug=f"persoon-{i}")
        for i in range(args.rows)
    )
    Role.objects.bulk_create(
        Role(person=person, body=bodies[i % 200]) for i, person in enumerate(people)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    office = User.objects.create(username="bench-bureau", is_office=True)

    print(f"{connection.vendor}, {args.rows} dossiers and {args.rows} people in a role")
    print("| viewer | counts | in full, ms | up to the cap, ms |")
    print("|---|---|---|---|")
    for name, viewer in (("visitor", AnonymousUser()), ("office", office)):

        def statuses_in_full(viewer: Any = viewer) -> dict[str, int]:
            counted = (
                lobby._filtered_dossiers(viewer)
                .order_by()
                .values_list("status")
                .annotate(n=Count("pk"))
            )
            return dict(counted)

        def numbers_in_full(viewer: Any = viewer) -> list[int]:
            seen = visible_bodies(viewer)
            return [
                registry.member_municipalities().count(),
                registry.other_members().count(),
                seen.own().count(),
                Role.objects.current()
                .filter(body__in=seen)
                .exclude(person=None)
                .values("person")
                .distinct()
                .count(),
            ]

        full = _median_ms(statuses_in_full, args.rounds)
        capped = _median_ms(lambda viewer=viewer: lobby.dossier_status_counts(viewer), args.rounds)
        print(f"| {name} | lobby per status | {full:.1f} | {capped:.1f} |")
        full = _median_ms(numbers_in_full, args.rounds)
        capped = _median_ms(lambda viewer=viewer: registry.key_numbers(viewer), args.rounds)
        print(f"| {name} | home page key numbers | {full:.1f} | {capped:.1f} |")
    print(loadavg())


if __name__ == "__main__":
    main()
