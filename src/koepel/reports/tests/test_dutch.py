"""The generated sentences follow the writing rules of docs/taal.md."""

from __future__ import annotations

import datetime as dt

import pytest

from koepel.reports import dutch


@pytest.mark.parametrize(
    ("value", "text"),
    [(1, "een"), (8, "acht"), (13, "dertien"), (20, "twintig"), (40, "40"), (4211614, "4.211.614")],
)
def test_numbers_up_to_twenty_are_words_larger_ones_figures(value: int, text: str) -> None:
    assert dutch.number(value) == text


def test_how_often_reads_naturally() -> None:
    assert dutch.times(1) == "één keer"
    assert dutch.times(8) == "acht keer"


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (5_060_000, "ruim 5 miljoen"),
        (4_211_614, "ruim 4,2 miljoen"),
        (4_980_000, "bijna 5 miljoen"),
        (5_000_000, "5 miljoen"),
        (812_345, "812.345"),
    ],
)
def test_large_totals_are_rounded_in_words(value: int, text: str) -> None:
    assert dutch.round_total(value) == text


def test_lists_put_en_before_the_last_item_without_a_comma() -> None:
    assert dutch.join(["Amersfoort", "Apeldoorn", "Breda"]) == "Amersfoort, Apeldoorn en Breda"
    assert dutch.join(["Zoetermeer", "Zwolle"]) == "Zoetermeer en Zwolle"
    assert dutch.join(["Zwolle"]) == "Zwolle"


def test_dates_are_written_with_the_precision_they_are_known_to() -> None:
    assert dutch.when(dt.date(2021, 6, 14)) == "op 14 juni 2021"
    assert dutch.when(dt.date(2021, 9, 1), "month") == "in september 2021"
    assert dutch.when(dt.date(2021, 1, 1), "year") == "in 2021"
    assert dutch.per(dt.date(2021, 9, 1), "month") == "per september 2021"
