"""Filters the resources share, with bounds so odd input is refused, not passed on."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


def year_filter(field_name: str, **kwargs: Any) -> WholeNumberFilter:
    return WholeNumberFilter(field_name=field_name, min_value=1900, max_value=2200, **kwargs)


def month_filter(field_name: str, **kwargs: Any) -> WholeNumberFilter:
    return WholeNumberFilter(field_name=field_name, min_value=1, max_value=12, **kwargs)
