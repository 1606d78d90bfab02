"""Serializer fields for Koepel's own kinds of value."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from koepel.core.dates import Precision, parse_partial_date


@extend_schema_field(
    {
        "type": "string",
        "pattern": r"^[12]\d{3}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$",
        "nullable": True,
        "description": "Een datum zo precies als bekend: 2021-09-14, 2021-09 of 2021.",
        "example": "2021-09",
    }
)
class PartialDateField(serializers.Field):  # type: ignore[type-arg]
    """A date with its precision, as ISO 8601 to that precision: "2021", "2021-09",
    "2021-09-14". Reads and writes the model's ``<name>`` and ``<name>_precision`` fields."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)

    @property
    def name_in_model(self) -> str:
        return str(self.source)

    def get_attribute(self, instance: Any) -> Any:
        return (
            getattr(instance, self.name_in_model),
            getattr(instance, f"{self.name_in_model}_precision", Precision.DAY),
        )

    def to_representation(self, value: tuple[dt.date | None, str]) -> str | None:
        date, precision = value
        if date is None:
            return None
        if precision == Precision.YEAR:
            return f"{date.year:04d}"
        if precision == Precision.MONTH:
            return f"{date.year:04d}-{date.month:02d}"
        return date.isoformat()

    def to_internal_value(self, data: Any) -> dict[str, Any]:
        if not isinstance(data, str):
            raise serializers.ValidationError(
                "Geef een datum als tekst: 2021-09-14, 2021-09 of 2021."
            )
        try:
            date, precision = parse_partial_date(data)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return {self.name_in_model: date, f"{self.name_in_model}_precision": precision}

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is None:
            return True, {
                self.name_in_model: None,
                f"{self.name_in_model}_precision": Precision.DAY,
            }
        return super().validate_empty_values(data)


LOCAL_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?")


@extend_schema_field(
    {
        "type": "string",
        "pattern": f"^{LOCAL_TIME.pattern}$",
        "nullable": True,
        "description": (
            "Een tijd op de klok in Nederland, zonder tijdzone: 14:30 of 14:30:00 "
            "(Europe/Amsterdam, zomer- of wintertijd zoals die dag geldt)."
        ),
        "example": "14:30",
    }
)
class LocalTimeField(serializers.TimeField):
    """A time of day as the clock in the Netherlands shows it ("14:30", "14:30:00").

    A time with an offset ("14:30+02:00", "12:30Z") is refused rather than read as local time
    with its offset dropped: a meeting's time would silently move by an hour or two."""

    def to_internal_value(self, value: Any) -> dt.time:
        if not isinstance(value, str) or not LOCAL_TIME.fullmatch(value):
            raise serializers.ValidationError(
                _("Give the time as the clock shows it in the Netherlands: 14:30 or 14:30:00.")
            )
        return dt.time.fromisoformat(value)


def flatten_partial_dates(data: dict[str, Any]) -> dict[str, Any]:
    """validated_data with each partial date's ``{name, name_precision}`` spread into it."""
    flat: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and f"{key}_precision" in value:
            flat.update(value)
        else:
            flat[key] = value
    return flat
