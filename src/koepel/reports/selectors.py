"""Reads of the annual reports: which years may have one, and which years there are."""

from __future__ import annotations

from django.db.models import Min
from django.utils import timezone

from koepel.accounts.access import visible
from koepel.meetings.models import Meeting
from koepel.registry.models import Membership
from koepel.reports.assemble import audience_viewer
from koepel.reports.models import AnnualReport


def report_year_range() -> range:
    """The years a report can be about: from the year the network's first known membership
    started to this year. Without any known start, from the year of the first meeting; without
    meetings either, this year alone. A membership that starts after this year does not empty
    the range: this year always counts."""
    this_year = timezone.localdate().year
    first = Membership.objects.aggregate(first=Min("start"))["first"]
    if first is None:
        first = Meeting.objects.aggregate(first=Min("date"))["first"]
    first_year = this_year if first is None else min(first.year, this_year)
    return range(first_year, this_year + 1)


def is_report_year(year: int) -> bool:
    return year in report_year_range()


def report_years(audience: str) -> list[int]:
    """The years with a report, newest first: each year in which the audience's version has a
    meeting to tell, and those someone has written in. Only years a report can be about
    (``report_year_range``): a stray row of another year is never listed."""
    valid = report_year_range()
    meetings = visible(
        Meeting.objects.filter(date__year__gte=valid.start, date__year__lt=valid.stop),
        audience_viewer(audience),
    )
    years = set(meetings.order_by().values_list("date__year", flat=True).distinct())
    years |= set(
        AnnualReport.objects.filter(year__gte=valid.start, year__lt=valid.stop).values_list(
            "year", flat=True
        )
    )
    return sorted(years, reverse=True)
