"""The lobby lists as files: their columns, with Dutch headers (see ``koepel.core.tables``)."""

from __future__ import annotations

from typing import Any

from koepel.core.tables import Column, Table, label, names, partial_date

DOSSIERS = Table(
    "lobbydossiers",
    (
        Column("sleutel", "sleutel", lambda d: d.slug),
        Column("titel", "titel", lambda d: d.title),
        Column("status", "status", lambda d: label(d, "status")),
        Column(
            "status_sinds",
            "status sinds",
            lambda d: partial_date(d.status_date, d.status_date_precision),
        ),
        Column("gremia", "gremia", lambda d: names(d.bodies.all())),
        Column("doel", "doel", lambda d: d.goal),
    ),
)

RESULTS = Table(
    "lobbyresultaten",
    (
        Column("uitkomst", "uitkomst", lambda r: r.label),
        Column("dossiers", "dossiers", lambda r: r.count),
    ),
)


# What each kind of entry on a year's timeline is called in the file.
_ENTRY_KIND = {"action": "lobbyactie", "milestone": "mijlpaal", "outcome": "uitkomst"}


def _entry_title(entry: Any) -> str:
    record = entry.record
    return str(record.dossier.title if entry.kind == "outcome" else record.title)


def _entry_detail(entry: Any) -> str:
    record = entry.record
    if entry.kind == "action":
        return f"{label(record, 'kind')}, {label(record, 'stage')}"
    if entry.kind == "outcome":
        return f"{label(record, 'status')}: {record.evidence}".rstrip(": ")
    return ""


TIMELINE = Table(
    "lobby-tijdlijn",
    (
        Column("datum", "datum", lambda e: partial_date(e.record.date, e.record.date_precision)),
        Column("soort", "soort", lambda e: _ENTRY_KIND.get(e.kind, e.kind)),
        Column("titel", "titel", _entry_title),
        Column("toelichting", "toelichting", _entry_detail),
    ),
)
