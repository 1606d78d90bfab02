"""The document list as a file: its columns, with Dutch headers (see ``koepel.core.tables``)."""

from __future__ import annotations

from koepel.core.tables import Column, Table, label, names, partial_date

DOCUMENTS = Table(
    "documenten",
    (
        Column("sleutel", "sleutel", lambda d: d.slug),
        Column("datum", "datum", lambda d: partial_date(d.date, d.date_precision)),
        Column("titel", "titel", lambda d: d.title),
        Column("soort", "soort", lambda d: label(d, "kind")),
        Column("gremia", "gremia", lambda d: names(d.bodies.all())),
        Column("uitgever", "uitgever", lambda d: d.publisher.name if d.publisher else ""),
    ),
)
