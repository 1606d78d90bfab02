"""The demo network's 2021 meetings, from ``data/g40-2021.yaml``, planned through the services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from koepel.accounts.access import SYSTEM
from koepel.core.dates import parse_partial_date
from koepel.meetings import services
from koepel.meetings.models import Meeting, Status
from koepel.registry.models import Body, Organisation, Person
from koepel.search import index

DATA_FILE = Path(__file__).resolve().parent / "data" / "g40-2021.yaml"


def is_loaded() -> bool:
    return Meeting.objects.exists()


def _lookup(model: Any, slug: str | None) -> Any:
    if not slug:
        return None
    try:
        return model.objects.get(slug=slug)
    except model.DoesNotExist as error:
        raise ValueError(
            f"The demo meetings name an unknown {model.__name__}: {slug!r}."
        ) from error


@transaction.atomic
@index.later()  # indexed at the end, many records of a kind at once
def load() -> dict[str, int]:
    entries = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or []
    by_key: dict[str, Meeting] = {}
    guests = 0
    for entry in entries:
        date, precision = parse_partial_date(str(entry["date"]))
        end_date = parse_partial_date(str(entry["end_date"]))[0] if entry.get("end_date") else None
        meeting = services.meeting_plan(
            actor=SYSTEM,
            bodies=[_lookup(Body, slug) for slug in entry["bodies"]],
            organiser=_lookup(Body, entry.get("organiser")),
            title=entry["title"],
            kind=entry["kind"],
            level=entry["level"],
            format=entry["format"],
            hubs=entry.get("hubs", ""),
            date=date,
            date_precision=precision,
            end_date=end_date,
            location=entry.get("location", ""),
            description=entry.get("description", ""),
            visibility=entry.get("visibility", "public"),
            status=entry.get("status", Status.HELD),
        )
        if entry.get("key"):
            by_key[entry["key"]] = meeting
        for guest in entry.get("guests", []):
            services.guest_add(
                actor=SYSTEM,
                meeting=meeting,
                person=_lookup(Person, guest.get("person")),
                organisation=_lookup(Organisation, guest.get("organisation")),
                topic=guest.get("topic", ""),
            )
            guests += 1
    # References may point forward (the officials' meeting prepares a later one).
    for entry in entries:
        if entry.get("prepares") or entry.get("part_of"):
            meeting = by_key[entry["key"]]
            services.meeting_update(
                actor=SYSTEM,
                meeting=meeting,
                version=meeting.version,
                prepares=_ref(by_key, entry.get("prepares")),
                part_of=_ref(by_key, entry.get("part_of")),
            )
    return {"bijeenkomsten": len(entries), "gasten": guests}


def _ref(by_key: dict[str, Meeting], key: str | None) -> Meeting | None:
    if not key:
        return None
    if key not in by_key:
        raise ValueError(f"The demo meetings refer to an unknown key: {key!r}.")
    return by_key[key]
