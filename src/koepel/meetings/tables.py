"""The meeting lists as files: their columns, with Dutch headers (see ``koepel.core.tables``)."""

from __future__ import annotations

from koepel.core.tables import Column, Table, label, names, partial_date

MEETINGS = Table(
    "bijeenkomsten",
    (
        Column("nummer", "nummer", lambda m: m.pk),
        Column("datum", "datum", lambda m: partial_date(m.date, m.date_precision)),
        Column(
            "begintijd",
            "begintijd",
            lambda m: m.start_time.strftime("%H:%M") if m.start_time else "",
        ),
        Column(
            "eindtijd", "eindtijd", lambda m: m.end_time.strftime("%H:%M") if m.end_time else ""
        ),
        Column("titel", "titel", lambda m: m.title),
        Column("gremia", "georganiseerd door", lambda m: names(m.bodies.all())),
        Column("soort", "soort", lambda m: m.get_kind_display()),
        Column("niveau", "niveau", lambda m: label(m, "level")),
        Column("vorm", "vorm", lambda m: label(m, "format")),
        Column("locatie", "locatie", lambda m: m.location),
        Column("status", "status", lambda m: label(m, "status")),
    ),
)

PARTICIPATION = Table(
    "deelname",
    (
        Column("cbs_code", "CBS-code", lambda r: r.municipality.cbs_code),
        Column("gemeente", "gemeente", lambda r: r.municipality.name),
        Column("gremia", "gremia", lambda r: r.bodies),
        Column("gehouden", "bijeenkomsten gehouden", lambda r: r.meetings_held),
        Column("aanwezig", "bijeenkomsten aanwezig", lambda r: r.meetings_attended),
    ),
)

MEETINGS_PER_BODY = Table(
    "bijeenkomsten-per-gremium",
    (
        Column("sleutel", "sleutel", lambda r: r.body.slug),
        Column("gremium", "gremium", lambda r: r.body.name),
        Column("bijeenkomsten", "bijeenkomsten", lambda r: r.count),
    ),
)
