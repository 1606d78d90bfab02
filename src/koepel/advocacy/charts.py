"""The lobby's picture: the outcomes recorded in a year, from the same numbers as the table
beside it (see ``koepel.core.charts``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from koepel.advocacy.models import DossierStatus
from koepel.advocacy.selectors import YearResults
from koepel.core.charts import Bar, BarChart


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


def status_counts(results: YearResults) -> list[StatusCount]:
    """The number of dossiers per status, in the order of the statuses."""
    return [
        StatusCount(status, str(label), len(results.by_status.get(status, [])))
        for status, label in DossierStatus.choices
    ]


def results(counts: list[StatusCount], year: int) -> BarChart:
    title = _("Lobby results in %(year)d") % {"year": year}
    decided = sum(c.count for c in counts if c.status != DossierStatus.ONGOING)
    achieved = sum(c.count for c in counts if c.status == DossierStatus.ACHIEVED)
    partly = sum(c.count for c in counts if c.status == DossierStatus.PARTLY)
    if not decided:
        finding = _("No dossier had its outcome recorded in %(year)d.") % {"year": year}
    else:
        finding = ngettext(
            "%(decided)d dossier had its outcome recorded in %(year)d: %(achieved)d achieved, "
            "%(partly)d partly achieved.",
            "%(decided)d dossiers had their outcome recorded in %(year)d: %(achieved)d "
            "achieved, %(partly)d partly achieved.",
            decided,
        ) % {"decided": decided, "year": year, "achieved": achieved, "partly": partly}
    return BarChart(
        key="chart-results",
        title=title,
        description=finding,
        bars=[Bar(c.label[:1].upper() + c.label[1:], c.count) for c in counts],
    )
