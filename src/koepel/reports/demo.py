"""The demo network's marks of completely recorded years, from ``data/g40-2021.yaml``, set
through the service as a secretary would."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.db import transaction

from koepel.accounts.access import SYSTEM
from koepel.registry.models import Body
from koepel.reports import services
from koepel.reports.models import CompleteYear

DATA_FILE = Path(__file__).resolve().parent / "data" / "g40-2021.yaml"


def is_loaded() -> bool:
    return CompleteYear.objects.exists()


@transaction.atomic
def load() -> dict[str, int]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or {}
    slugs = data.get("complete", [])
    bodies = {body.slug: body for body in Body.objects.filter(slug__in=slugs)}
    missing = sorted(set(slugs) - set(bodies))
    if missing:
        raise ValueError(f"The demo marks unknown bodies as completely recorded: {missing}.")
    for slug in slugs:
        services.complete_year_set(
            actor=SYSTEM, body=bodies[slug], year=int(data["year"]), complete=True
        )
    return {"volledig vastgelegde jaren": len(slugs)}
