"""Writing Dutch the way the network's own reports do (docs/taal.md): numbers up to twenty in
words, thousands with a dot, lists with "en" before the last item, dates as known."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
WORDS = (
    "nul",
    "een",
    "twee",
    "drie",
    "vier",
    "vijf",
    "zes",
    "zeven",
    "acht",
    "negen",
    "tien",
    "elf",
    "twaalf",
    "dertien",
    "veertien",
    "vijftien",
    "zestien",
    "zeventien",
    "achttien",
    "negentien",
    "twintig",
)


def number(value: int) -> str:
    """8 → "acht", 40 → "40": whole numbers up to twenty in words."""
    if 0 <= value <= 20:
        return WORDS[value]
    return thousands(value)


def times(value: int) -> str:
    """How often: "één keer", "acht keer"."""
    return "één keer" if value == 1 else f"{number(value)} keer"


def thousands(value: int) -> str:
    """4211614 → "4.211.614"."""
    return f"{value:,}".replace(",", ".")


def round_total(value: int) -> str:
    """A large total in words as a reader says it: "ruim 5 miljoen", "ruim 4,2 miljoen"."""
    if value < 1_000_000:
        return thousands(value)
    whole, rest = divmod(value, 1_000_000)
    if rest == 0:
        return f"{whole} miljoen"
    if rest < 100_000:
        return f"ruim {whole} miljoen"
    if rest >= 900_000:
        return f"bijna {whole + 1} miljoen"
    return f"ruim {whole},{rest // 100_000} miljoen"


def join(items: Sequence[str]) -> str:
    """["A", "B", "C"] → "A, B en C" (no comma before "en")."""
    items = [item for item in items if item]
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} en {items[-1]}"


def date(value: dt.date, precision: str = "day") -> str:
    """ "14 juni 2021", "september 2021" or "2021"."""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return f"{MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


def when(value: dt.date, precision: str = "day") -> str:
    """The date as an adverbial: "op 14 juni 2021", "in september 2021", "in 2021"."""
    return f"{'op' if precision == 'day' else 'in'} {date(value, precision)}"


def per(value: dt.date, precision: str = "day") -> str:
    """ "per september 2021", "per 1 juli 2022"."""
    return f"per {date(value, precision)}"


def capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def quoted(title: str) -> str:
    """Titles of papers in single quotes, as the network writes them: ‘Een thuis voor iedereen’."""
    title = title.strip().strip("'‘’\"")
    return f"‘{title}’"
