"""The demo network's example documents, written for the demo, added through the services.

They are labelled as examples and undated: a fact of a year comes from a source, and these
are none."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from koepel.accounts.access import SYSTEM
from koepel.core.dates import parse_partial_date
from koepel.library import services
from koepel.library.models import Document
from koepel.registry.models import Body
from koepel.search import index

DATA_DIR = Path(__file__).resolve().parent / "data"


def is_loaded() -> bool:
    return Document.objects.exists()


@transaction.atomic
@index.later()  # indexed at the end, many records of a kind at once
def load() -> dict[str, int]:
    entries = yaml.safe_load((DATA_DIR / "demo.yaml").read_text(encoding="utf-8")) or []
    for entry in entries:
        path = DATA_DIR / entry["file"]
        date, precision = (
            parse_partial_date(str(entry["date"])) if entry.get("date") else (None, "day")
        )
        services.document_create(
            actor=SYSTEM,
            file=SimpleUploadedFile(path.name, path.read_bytes()),
            title=entry["title"],
            kind=entry["kind"],
            date=date,
            date_precision=precision,
            summary=entry.get("summary", ""),
            woo_category=entry.get("woo_category", ""),
            visibility=entry.get("visibility", "public"),
            bodies=list(Body.objects.filter(slug__in=entry.get("bodies", []))),
        )
    return {"documenten": len(entries)}
