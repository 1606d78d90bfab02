"""Reads of the annual reports: which years there are."""

from __future__ import annotations

from django.utils import timezone

from koepel.accounts.access import visible
from koepel.meetings.models import Meeting
from koepel.reports.assemble import audience_viewer
from koepel.reports.models import AnnualReport


def report_years(audience: str) -> list[int]:
    """The years with a report, newest first: those someone has written in or had a file made
    of, and each year up to this one in which the audience's version has a meeting to tell."""
    this_year = timezone.localdate().year
    meetings = visible(Meeting.objects.filter(date__year__lte=this_year), audience_viewer(audience))
    years = set(meetings.order_by().values_list("date__year", flat=True).distinct())
    years |= set(AnnualReport.objects.values_list("year", flat=True))
    return sorted(years, reverse=True)
