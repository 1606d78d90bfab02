"""The meetings' pictures: participation per city and meetings per body, from the same rows
as the tables beside them (see ``koepel.core.charts``)."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koepel.core.charts import Bar, BarChart
from koepel.meetings.selectors import BodyCount, CityParticipation


def participation(rows: Sequence[CityParticipation], year: int) -> BarChart:
    """The meetings each member city attended in a year, most first, out of those held."""
    ordered = sorted(rows, key=lambda r: (-r.meetings_attended, r.municipality.sort_name))
    bars = [
        Bar(
            row.municipality.name,
            row.meetings_attended,
            _("%(attended)d of %(held)d")
            % {"attended": row.meetings_attended, "held": row.meetings_held},
        )
        for row in ordered
    ]
    title = _("Meetings attended per municipality in %(year)d") % {"year": year}
    if not ordered or ordered[0].meetings_attended == 0:
        finding = _("No member municipality attended a meeting in %(year)d.") % {"year": year}
    else:
        top = ordered[0]
        absent = sum(1 for row in rows if row.meetings_held and not row.meetings_attended)
        finding = _("%(city)s attended the most meetings (%(count)d).") % {
            "city": top.municipality.name,
            "count": top.meetings_attended,
        }
        if absent:
            finding += " " + ngettext(
                "%(count)d municipality attended none of the meetings of its bodies.",
                "%(count)d municipalities attended none of the meetings of their bodies.",
                absent,
            ) % {"count": absent}
    return BarChart(key="chart-participation", title=title, description=finding, bars=bars)


def meetings_per_body(rows: Sequence[BodyCount], year: int) -> BarChart:
    """How many meetings each body held in a year, most first."""
    title = _("Meetings per body in %(year)d") % {"year": year}
    if not rows:
        finding = _("No meetings were held in %(year)d.") % {"year": year}
    else:
        total = sum(row.count for row in rows)
        finding = (
            _("%(body)s held the most meetings (%(count)d).")
            % {
                "body": rows[0].body.name,
                "count": rows[0].count,
            }
            + " "
            + ngettext("%(total)d meeting in all.", "%(total)d meetings in all.", total)
            % {"total": total}
        )
    return BarChart(
        key="chart-meetings",
        title=title,
        description=finding,
        bars=[Bar(row.body.name, row.count) for row in rows],
    )
