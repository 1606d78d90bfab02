"""Form fields every app's forms use."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from koepel.core.dates import parse_partial_date


class PartialDateField(forms.CharField):
    """A date typed as 2021-09-14, 2021-09 or 2021; cleans to (date, precision)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault(
            "help_text", _("As 2021-09-14, or 2021-09 when only the month is known, or 2021.")
        )
        super().__init__(max_length=10, **kwargs)

    def to_python(self, value: Any) -> tuple[dt.date, str] | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        return parse_partial_date(text)


def partial_date_text(value: dt.date | None, precision: str) -> str:
    """The text a PartialDateField shows for a stored date."""
    if value is None:
        return ""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return value.strftime("%Y-%m")
    return value.isoformat()
