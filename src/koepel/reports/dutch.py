"""Writing Dutch the way the network's own reports do (docs/taal.md): numbers up to twenty in
words, thousands with a dot, lists with "en" before the last item, dates as known."""

from __future__ import annotations

import datetime as dt
import re
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


def count(value: int, one: str, many: str) -> str:
    """How many of a thing: "één mijlpaal" (with accents, so it is not read as the article),
    "acht bijeenkomsten", "40 gemeenten"."""
    return f"één {one}" if value == 1 else f"{number(value)} {many}"


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


def sentence(text: str) -> str:
    """A sentence as written: a capital at the start and one full stop at the end."""
    text = quotes(" ".join(text.split()))
    if not text:
        return ""
    if text[-1] not in ".!?":
        text += "."
    return capitalise(text)


def lower_first(text: str) -> str:
    """ "Meedenken over X" → "meedenken over X"; an abbreviation ("IenW …") stays as it is."""
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


# The article of a Dutch noun that heads the name of an organisation or a body. A name takes
# the article of its first word that is, or ends in, one of these ("Uitvoeringsinstituut …" →
# het, "Sociaal-Economische Raad" → de); a name without one (a brand, "Platform31") has none.
HEAD_NOUNS: dict[str, str] = {
    **dict.fromkeys(
        (
            "agenda",
            "bijeenkomst",
            "hoorzitting",
            "sessie",
            "alliantie",
            "autoriteit",
            "bank",
            "bond",
            "city deal",
            "coalitie",
            "commissaris",
            "commissie",
            "dienst",
            "federatie",
            "gemeente",
            "hogeschool",
            "inspectie",
            "kamer",
            "leerkring",
            "metropoolregio",
            "pijler",
            "provincie",
            "raad",
            "regio",
            "stichting",
            "stuurgroep",
            "taskforce",
            "themagroep",
            "unie",
            "vergadering",
            "universiteit",
            "vereniging",
            "werkgroep",
            "klankbordgroep",
            "opgavetafel",
            "tafel",
            # kinds of meeting
            "avond",
            "conferentie",
            "dag",
            "excursie",
            "lezing",
            "masterclass",
            "ontmoeting",
            "reis",
            "training",
            "workshop",
        ),
        "de",
    ),
    **dict.fromkeys(
        (
            "agentschap",
            "gesprek",
            "rondetafelgesprek",
            "bestuur",
            "bureau",
            "centrum",
            "college",
            "comité",
            "fonds",
            "genootschap",
            "gremium",
            "instituut",
            "kabinet",
            "kernteam",
            "kennisnetwerk",
            "ministerie",
            "netwerk",
            "overleg",
            "parlement",
            "planbureau",
            "platform",
            "programma",
            "rijk",
            "team",
            "traject",
            "directeurenoverleg",
            # kinds of meeting
            "bezoek",
            "congres",
            "debat",
            "evenement",
            "festival",
            "seminar",
            "symposium",
            "webinar",
        ),
        "het",
    ),
}


def _words(name: str) -> list[str]:
    return [word for word in re.split(r"[\s\-–/]+", name.lower().strip("‘’'\" ")) if word]


def article_of(name: str, default: str = "") -> str:
    """ "de", "het" or "" for a name, from the noun that heads it (see HEAD_NOUNS)."""
    words = _words(name)
    lowered = " ".join(words)
    for noun in ("city deal",):  # nouns of two words
        if lowered.startswith(noun):
            return HEAD_NOUNS[noun]
    for word in words:
        if word in HEAD_NOUNS:
            return HEAD_NOUNS[word]
        for noun in sorted(HEAD_NOUNS, key=len, reverse=True):
            if len(word) > len(noun) + 2 and word.endswith(noun) and " " not in noun:
                return HEAD_NOUNS[noun]
    return default


# Meetings one speaks "op" rather than "in": a day, a congress, a gathering ("op een van de
# netwerkdagen", "op een ledenvergadering"); one speaks "in" a session or an "overleg".
ON_MEETINGS = (
    "dag",
    "avond",
    "bijeenkomst",
    "congres",
    "conferentie",
    "symposium",
    "vergadering",
    "festival",
)


def preposition_of_meeting(noun: str) -> str:
    """ "op" or "in" before a kind of meeting: "op een netwerkdag", "in een themasessie"."""
    last = noun.strip().lower().split(" ")[-1]
    return "op" if any(last.endswith(word) for word in ON_MEETINGS) else "in"


def with_article(name: str, article: str) -> str:
    """The name in running text: "het dagelijks bestuur", "de commissie Digitale Zaken",
    "de Raad van State". A first word that is only capitalised because it opens the name (a
    common noun, or a word before a lower-case one) is written in lower case."""
    words = name.split()
    if not words:
        return name
    first = words[0].lower()
    common = first in HEAD_NOUNS or (len(words) > 1 and words[1][:1].islower())
    if common and words[0][:2] != words[0][:2].upper():
        name = lower_first(name)
    return f"{article} {name}" if article else name


def reference_list(names: Sequence[str]) -> str:
    """Items that each carry their own article, joined: "de VNG, de G4 en Platform31"."""
    return join(list(dict.fromkeys(names)))


# Public offices written before the name, in lower case: "minister Koolmees", "wethouder
# Mutluer van Zaanstad". Any other title follows the name: "Wouter Veldhuis, rijksadviseur …".
OFFICES = (
    "burgemeester",
    "commissaris van de koning",
    "gedeputeerde",
    "minister",
    "minister-president",
    "premier",
    "staatssecretaris",
    "wethouder",
    "kamerlid",
    "gedeputeerde",
    "dijkgraaf",
)


def is_office(title: str) -> bool:
    return title.strip().lower() in OFFICES


def quotes(text: str) -> str:
    """Straight quotes around a title inside a text made curly and single, as the network
    writes them: "het advies 'Een thuis voor iedereen'" → "het advies ‘Een thuis voor
    iedereen’". An apostrophe inside a word ("thema's") is left alone."""
    return re.sub(r"(?<!\w)['\"‘“]([^'\"‘’“”]+?)['\"’”](?!\w)", r"‘\1’", text)
