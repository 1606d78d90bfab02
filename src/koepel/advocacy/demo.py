"""The demo network's 2021 lobby, from ``data/g40-2021.yaml``, recorded through the services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from koepel.accounts.access import SYSTEM
from koepel.advocacy import services
from koepel.advocacy.models import Dossier, LobbyAction
from koepel.core.dates import parse_partial_date
from koepel.registry.models import Body, Organisation, Person
from koepel.search import index

DATA_FILE = Path(__file__).resolve().parent / "data" / "g40-2021.yaml"


def is_loaded() -> bool:
    return Dossier.objects.exists() or LobbyAction.objects.exists()


def _all(model: Any, slugs: list[str] | None) -> list[Any]:
    slugs = slugs or []
    found = {record.slug: record for record in model.objects.filter(slug__in=slugs)}
    missing = [slug for slug in slugs if slug not in found]
    if missing:
        raise ValueError(f"The demo lobby names unknown {model.__name__} slugs: {missing}.")
    return [found[slug] for slug in slugs]


def _date(value: Any) -> dict[str, Any]:
    date, precision = parse_partial_date(str(value))
    return {"date": date, "date_precision": precision}


@transaction.atomic
@index.later()  # indexed at the end, many records of a kind at once
def load() -> dict[str, int]:
    data = yaml.safe_load(DATA_FILE.read_text(encoding="utf-8")) or {}
    dossiers: dict[str, Dossier] = {}
    for entry in data.get("dossiers", []):
        dossier = services.dossier_create(
            actor=SYSTEM,
            bodies=_all(Body, entry["bodies"]),
            people=_all(Person, entry.get("people")),
            external_bodies=_all(Body, entry.get("external_bodies")),
            title=entry["title"],
            slug=entry["slug"],
            goal=entry["goal"],
            visibility=entry.get("visibility", "public"),
        )
        for outcome in entry.get("outcomes", []):
            services.dossier_set_outcome(
                actor=SYSTEM,
                dossier=dossier,
                status=outcome["status"],
                **_date(outcome["date"]),
                evidence=outcome["evidence"],
                evidence_url=outcome.get("evidence_url", ""),
                amount=outcome.get("amount"),
                funding_kind=outcome.get("funding_kind", ""),
                funding_years=str(outcome.get("funding_years", "")),
                follow_up=outcome.get("follow_up", ""),
            )
        dossiers[dossier.slug] = dossier
    actions = 0
    for entry in data.get("actions", []):
        services.action_create(
            actor=SYSTEM,
            bodies=_all(Body, entry["bodies"]),
            dossiers=[dossiers[slug] for slug in entry.get("dossiers", [])],
            addressees=_all(Organisation, entry.get("addressees")),
            addressee_people=_all(Person, entry.get("addressee_people")),
            cosigners=_all(Organisation, entry.get("cosigners")),
            people=_all(Person, entry.get("people")),
            title=entry["title"],
            kind=entry["kind"],
            summary=entry.get("summary", ""),
            addressee_note=entry.get("addressee_note", ""),
            document_url=entry.get("document_url", ""),
            stage=entry.get("stage", "verzonden"),
            visibility=entry.get("visibility", "public"),
            **_date(entry["date"]),
        )
        actions += 1
    milestones = 0
    for entry in data.get("milestones", []):
        services.milestone_create(
            actor=SYSTEM,
            bodies=_all(Body, entry["bodies"]),
            dossiers=[dossiers[slug] for slug in entry.get("dossiers", [])],
            title=entry["title"],
            description=entry.get("description", ""),
            visibility=entry.get("visibility", "public"),
            **_date(entry["date"]),
        )
        milestones += 1
    return {"lobbydossiers": len(dossiers), "lobbyacties": actions, "mijlpalen": milestones}
