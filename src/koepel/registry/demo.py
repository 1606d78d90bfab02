"""Load the demo network — the G40 in 2021 — from the data files kept beside this module.

Everything goes through the registry's services, as an edit in the admin would.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, TypeVar

import yaml
from django.db import transaction

from koepel.core.dates import parse_partial_date
from koepel.registry import services, vocabulary
from koepel.registry.models import (
    Body,
    Membership,
    Municipality,
    Network,
    Organisation,
    Participation,
    Person,
    Province,
    Role,
)
from koepel.search import index

DATA_DIR = Path(__file__).resolve().parent / "data" / "g40"
PROVINCES_BY_NAME = {label: value for value, label in Province.choices}
T = TypeVar("T")


def _read_yaml(name: str) -> Any:
    with (DATA_DIR / name).open(encoding="utf-8") as handle:
        return yaml.safe_load(handle) or []


def _period(entry: dict[str, Any]) -> dict[str, Any]:
    period: dict[str, Any] = {}
    for key in ("start", "end"):
        if entry.get(key):
            value, precision = parse_partial_date(str(entry[key]))
            period[key] = value
            period[f"{key}_precision"] = precision
    return period


def _ref(records: dict[str, T], key: str | None, what: str) -> T | None:
    """The record a data file names, None when it names none; a typo stops the load."""
    if not key:
        return None
    if key not in records:
        raise ValueError(f"The demo data names an unknown {what}: {key!r}.")
    return records[key]


DEMO_MAIL_DOMAIN = "example.nl"


def demo_address(entry: dict[str, Any]) -> str:
    """An example address for a demo person, so that invitations can be tried at once; never
    a real one (the demo names real people): the slug at the example domain."""
    return str(entry.get("email") or f"{entry['slug']}@{DEMO_MAIL_DOMAIN}")


def load_vocabulary() -> int:
    """Give the database the G40's vocabulary (its kinds of body and meeting, its functions);
    terms it already has are kept. Returns how many were added."""
    return vocabulary.install_vocabulary(_read_yaml("vocabulary.yaml"))


def is_loaded() -> bool:
    return Network.objects.exists()


@transaction.atomic
@index.later()  # indexed at the end, many records of a kind at once
def load() -> dict[str, int]:
    """Load the demo registry and return how many records of each kind it made."""
    load_vocabulary()
    network_data = _read_yaml("network.yaml")
    partners = network_data.pop("partners", [])
    network = services.network_save(network=Network(**network_data))

    municipalities = _load_municipalities()
    organisations = {
        entry["slug"]: services.organisation_save(organisation=Organisation(**entry))
        for entry in _read_yaml("organisations.yaml")
    }
    network.partners.set([organisations[slug] for slug in partners])
    people = {
        entry["slug"]: services.person_save(
            person=Person(
                **{k: v for k, v in entry.items() if k not in {"municipality", "organisation"}},
                email=demo_address(entry),
                municipality=_ref(municipalities, entry.get("municipality"), "municipality"),
                organisation=_ref(organisations, entry.get("organisation"), "organisation"),
            )
        )
        for entry in _read_yaml("people.yaml")
    }
    roles = participations = 0
    bodies: dict[str, Body] = {}
    positions: dict[str | None, int] = {}
    entries = _read_yaml("bodies.yaml")
    for entry in entries:
        parent = entry.get("parent")
        positions[parent] = positions.get(parent, 0) + 1
        fields = {
            k: v
            for k, v in entry.items()
            if k not in {"parent", "owner", "roles", "participations", "start", "end"}
        }
        bodies[entry["slug"]] = services.body_save(
            body=Body(
                **fields,
                **_period(entry),
                parent=_ref(bodies, parent, "parent body"),
                owner=_ref(organisations, entry.get("owner"), "organisation"),
                position=positions[parent],
            )
        )
    for entry in entries:
        body = bodies[entry["slug"]]
        for role in entry.get("roles", []):
            services.role_save(
                role=Role(
                    body=body,
                    person=_ref(people, role.get("person"), "person"),
                    function=role["function"],
                    function_detail=role.get("function_detail", ""),
                    note=role.get("note", ""),
                    level=role.get("level", ""),
                    on_behalf_of_municipality=_ref(
                        municipalities, role.get("on_behalf_of_municipality"), "municipality"
                    ),
                    on_behalf_of_organisation=_ref(
                        organisations, role.get("on_behalf_of_organisation"), "organisation"
                    ),
                    **_period(role),
                )
            )
            roles += 1
        for participation in entry.get("participations", []):
            services.participation_save(
                participation=Participation(
                    body=body,
                    municipality=_ref(
                        municipalities, participation.get("municipality"), "municipality"
                    ),
                    organisation=_ref(
                        organisations, participation.get("organisation"), "organisation"
                    ),
                    function=participation.get("function", "deelnemer"),
                    note=participation.get("note", ""),
                    **_period(participation),
                )
            )
            participations += 1
    return {
        "gemeenten": len(municipalities),
        "organisaties": len(organisations),
        "personen": len(people),
        "gremia": len(bodies),
        "rollen": roles,
        "deelnames": participations,
    }


def _load_municipalities() -> dict[str, Municipality]:
    starts = {entry["municipality"]: entry for entry in _read_yaml("memberships.yaml")}
    municipalities: dict[str, Municipality] = {}
    with (DATA_DIR / "gemeenten.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            municipality = services.municipality_save(
                municipality=Municipality(
                    name=row["name"],
                    cbs_code=row["cbs_code"],
                    province=PROVINCES_BY_NAME[row["province"]],
                )
            )
            if row["population_2021"]:
                services.population_set(
                    municipality=municipality,
                    year=2021,
                    inhabitants=int(row["population_2021"]),
                    source=row["population_source"],
                )
            services.membership_save(
                membership=Membership(
                    municipality=municipality, **_period(starts.get(row["name"], {}))
                )
            )
            municipalities[row["name"]] = municipality
    return municipalities
