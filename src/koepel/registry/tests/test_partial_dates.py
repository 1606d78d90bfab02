"""Dates known only to the month or the year are shown as known, never with an invented day."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from koepel.core.dates import Precision, format_partial_date, parse_partial_date
from koepel.registry import services
from koepel.registry.models import Role
from koepel.registry.tests.factories import BodyFactory, PersonFactory


@pytest.mark.parametrize(
    ("value", "precision", "dutch"),
    [
        (dt.date(2021, 6, 14), Precision.DAY, "14 juni 2021"),
        (dt.date(2021, 9, 1), Precision.MONTH, "september 2021"),
        (dt.date(2021, 1, 1), Precision.YEAR, "2021"),
    ],
)
def test_a_date_is_shown_with_the_precision_it_is_known_to(
    value: dt.date, precision: str, dutch: str
) -> None:
    with translation.override("nl"):
        assert format_partial_date(value, precision) == dutch


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-06-14", (dt.date(2021, 6, 14), Precision.DAY)),
        ("2021-09", (dt.date(2021, 9, 1), Precision.MONTH)),
        ("2021", (dt.date(2021, 1, 1), Precision.YEAR)),
    ],
)
def test_dates_are_read_with_their_precision(text: str, expected: tuple[dt.date, str]) -> None:
    assert parse_partial_date(text) == expected


@pytest.mark.parametrize("text", ["14-06-2021", "2021-13", "juni", "2021-02-30", ""])
def test_a_wrong_date_gets_a_clear_message(text: str) -> None:
    with pytest.raises(ValidationError) as error, translation.override("nl"):
        parse_partial_date(text)
    assert "is geen datum" in str(error.value.messages[0])


def test_a_role_ending_in_a_month_is_current_until_that_month_ends(db: None) -> None:
    role = services.role_save(
        role=Role(
            person=PersonFactory(),
            body=BodyFactory(),
            function="voorzitter",
            start=dt.date(2019, 3, 5),
            end=dt.date(2021, 9, 17),
            end_precision=Precision.MONTH,
        )
    )
    assert role.end == dt.date(2021, 9, 30)
    assert role.is_current(dt.date(2021, 9, 29))
    assert not role.is_current(dt.date(2021, 10, 1))
    assert Role.objects.current(dt.date(2021, 9, 15)).filter(pk=role.pk).exists()


def test_an_end_before_the_start_is_refused_and_nothing_is_stored(db: None) -> None:
    role = Role(
        person=PersonFactory(),
        body=BodyFactory(),
        function="lid",
        start=dt.date(2021, 6, 14),
        end=dt.date(2021, 6, 1),
    )
    with pytest.raises(ValidationError) as error, translation.override("nl"):
        services.role_save(role=role)
    assert error.value.message_dict["end"] == [
        "De einddatum ligt vóór de begindatum. Kies een einddatum na 14 juni 2021."
    ]
    assert not Role.objects.exists()
