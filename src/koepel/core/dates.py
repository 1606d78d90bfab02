"""Dates known to the day, the month or only the year.

A source often says "in september 2021". Koepel stores such a date as the first day of the
period with its precision beside it, and shows it as known: never as an invented day.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


def normalise(value: dt.date, precision: str) -> dt.date:
    """The first day of the period a date of this precision stands for."""
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def period_end(value: dt.date, precision: str) -> dt.date:
    """The last day of the period a date of this precision stands for."""
    if precision == Precision.YEAR:
        return value.replace(month=12, day=31)
    if precision == Precision.MONTH:
        next_month = (value.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return next_month - dt.timedelta(days=1)
    return value


def format_partial_date(value: dt.date | None, precision: str = Precision.DAY) -> str:
    """ "14 juni 2021", "september 2021" or "2021", in the active language."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT").lower()
    return formats.date_format(value, "j F Y")


def parse_partial_date(text: str) -> tuple[dt.date, str]:
    """Read "2021-09-14", "2021-09" or "2021" into a date and its precision."""
    text = text.strip()
    try:
        if len(text) == 4:
            return dt.date(int(text), 1, 1), Precision.YEAR
        if len(text) == 7:
            year, month = text.split("-")
            return dt.date(int(year), int(month), 1), Precision.MONTH
        return dt.date.fromisoformat(text), Precision.DAY
    except ValueError as error:
        raise ValidationError(
            _("“%(value)s” is not a date. Use 2021-09-14, 2021-09 or 2021."),
            code="invalid_date",
            params={"value": text},
        ) from error


def precision_field(verbose_name: str | _StrPromise) -> models.CharField[str, str]:
    return models.CharField(
        verbose_name, max_length=5, choices=Precision.choices, default=Precision.DAY
    )


class Period(models.Model):
    """A start and an optional end, each with its precision."""

    start = models.DateField(_("start"), null=True, blank=True)
    start_precision = precision_field(_("start precision"))
    end = models.DateField(_("end"), null=True, blank=True)
    end_precision = precision_field(_("end precision"))

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.start:
            self.start = normalise(self.start, self.start_precision)
        if self.end:
            # The end is kept as the last day of its period, so "until september 2021" still
            # counts as current on 15 september and queries compare plain dates.
            self.end = period_end(self.end, self.end_precision)
        if self.start and self.end and self.end < self.start:
            raise ValidationError(
                {
                    "end": _(
                        "The end date lies before the start date. Choose an end date after %(start)s."
                    )
                    % {"start": format_partial_date(self.start, self.start_precision)}
                },
                code="end_before_start",
            )

    @property
    def start_display(self) -> str:
        return format_partial_date(self.start, self.start_precision)

    @property
    def end_display(self) -> str:
        return format_partial_date(self.end, self.end_precision)

    def is_current(self, on: dt.date | None = None) -> bool:
        on = on or timezone.localdate()
        return (self.start is None or self.start <= on) and (self.end is None or self.end >= on)
