"""Template filters for how Koepel shows dates, numbers and written text."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import formats
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from koepel.core.dates import format_partial_date
from koepel.core.markup import render_markdown
from koepel.core.pagination import count_cap, is_capped

register = template.Library()


@register.filter
def partial_date(value: dt.date | None, precision: str = "day") -> str:
    """``{{ role.start|partial_date:role.start_precision }}`` → "september 2021"."""
    return format_partial_date(value, precision)


@register.simple_tag
def period(record: Any) -> str:
    """A record's period as known: "sinds september 2021", "2019 – juni 2021", or ""."""
    start = format_partial_date(record.start, record.start_precision)
    end = format_partial_date(record.end, record.end_precision)
    if start and end:
        return f"{start} – {end}"
    if start:
        return _("since %(start)s") % {"start": start}
    if end:
        return _("until %(end)s") % {"end": end}
    return ""


@register.filter
def thousands(value: int | None) -> str:
    """4211614 → "4.211.614" in Dutch, "4,211,614" in English."""
    if value is None:
        return ""
    return formats.number_format(value, force_grouping=True)


@register.filter
def count_or_more(value: int) -> str:
    """A count of a list as counted up to the cap: 12 → "12", past the cap → "more than
    1,000" ("meer dan 1.000"), see koepel.core.pagination."""
    if is_capped(value):
        return more_than_cap()
    return str(value)


@register.filter(name="is_capped")
def is_capped_filter(value: int) -> bool:
    """Whether a count as counted up to the cap went past it: ``{% if n|is_capped %}``."""
    return is_capped(value)


@register.simple_tag
def more_than_cap() -> str:
    """ "more than 1,000" ("meer dan 1.000"): the count of a list longer than the cap."""
    return _("more than %(cap)s") % {"cap": thousands(count_cap())}


@register.filter(is_safe=True)
def markdown(value: str | None) -> SafeString:
    """``{{ meeting.minutes|markdown }}``: text people wrote, as sanitised HTML. The one way
    Koepel shows minutes, decisions, descriptions and report texts."""
    return render_markdown(str(value or ""))
