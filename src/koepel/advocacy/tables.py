"""The lobby lists as files: their columns, with Dutch headers (see ``koepel.core.tables``)."""

from __future__ import annotations

from koepel.core.tables import Column, Table, names, partial_date

DOSSIERS = Table(
    "lobbydossiers",
    (
        Column("sleutel", "sleutel", lambda d: d.slug),
        Column("titel", "titel", lambda d: d.title),
        Column("status", "status", lambda d: d.get_status_display()),
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
