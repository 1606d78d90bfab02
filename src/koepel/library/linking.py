"""Find the names of known municipalities, organisations, people and bodies in a text.

Names are matched as a reader would recognise them, by one compiled pattern built once from
the registry:

* Whole words only: "Ede" is not found in "Bestede", "Oss" not in "Ossenkop", "SER" not in
  "SERVICE". A hyphen separates words, so "VNG-taskforce" names the VNG.
* Any run of whitespace stands for any other (a name may be broken across a line), and every
  kind of quote for every other (’s-Hertogenbosch, 's-Hertogenbosch). The text is expected to
  have its line-end hyphenation joined already (``sections.join_hyphenation``).
* Municipalities and people are matched case-sensitively: "Ede" is a city, "ede" is not.
  People are found by their full name as the registry holds it, never by a surname alone; a
  name particle may be written either way ("van Engelshoven" for "Van Engelshoven").
* Organisations by their name or their abbreviation. An abbreviation is used only when it
  cannot be an ordinary word: it has at least two capitals or a digit (VNG, BZK, IenW,
  TU Delft); "Rob" could be anyone's first name and is left out. A name of more than one
  word may start with a lower-case letter in running text ("commissie Digitale Zaken"); the
  rest is matched as written, "&" and "en" alike.
* Bodies by their name, as for organisations, and by their core name: the name without its
  leading kind word ("Themagroep", "Pijler", "Taskforce", …). The core is found only right
  after a kind word ("thema Woningmarkt", "themagroep Woningmarkt", "Pijler ‘Fysiek’"), so
  the common noun "woningmarkt" is never taken for the theme group. There the core is matched
  regardless of case and commas, with optional quotes around it, since reports write it in
  many ways ("Armoede & Schulden", "Armoede en schulden").
* Where names overlap, the longest one at the leftmost position wins: in "Groene
  Metropoolregio Arnhem-Nijmegen" the organisation is named, not the cities Arnhem and
  Nijmegen.

A registry of thousands of people and organisations makes one pattern of thousands of
alternatives, which the regular-expression engine tries one by one at every word of the text.
So each name also has a key word: one of its words that any text naming it must hold as a
whole word (ignoring case). A text is searched only with the names whose key word it holds,
in the same order, so it finds the same; those patterns are compiled once per set of names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from koepel.registry.models import Body, Municipality, Organisation, Person

__all__ = ["EntityFinder", "Links"]

Kind = Literal["municipalities", "organisations", "people", "bodies"]


@dataclass
class Links:
    municipalities: set[int] = field(default_factory=set)
    organisations: set[int] = field(default_factory=set)
    people: set[int] = field(default_factory=set)
    bodies: set[int] = field(default_factory=set)


_SINGLE_QUOTES = "'’‘`´"
_DOUBLE_QUOTES = '"“”„'
_SINGLE_QUOTE_CLASS = "['’‘`´]"
_DOUBLE_QUOTE_CLASS = '["“”„]'
_ANY_QUOTE = "['’‘`´\"“”„]"

# Name particles that Dutch writes lower case after a first name and capitalised without one.
_PARTICLES = frozenset(
    {"van", "de", "den", "der", "ter", "ten", "te", "het", "in", "op", "la", "le", "du", "von"}
)

# Kind words that may start a body's name, with how running text writes them.
_KIND_WORDS: dict[str, tuple[str, ...]] = {
    "themagroep": ("themagroep", "thema"),
    "pijler": ("pijler",),
    "taskforce": ("taskforce",),
    "stuurgroep": ("stuurgroep",),
    "werkgroep": ("werkgroep",),
    "leerkring": ("leerkring",),
    "klankbordgroep": ("klankbordgroep",),
    "programma": ("programma",),
    "commissie": ("commissie",),
    "city deal": ("city deal", "citydeal"),
}


def _character(character: str) -> str:
    if character in _SINGLE_QUOTES:
        return _SINGLE_QUOTE_CLASS
    if character in _DOUBLE_QUOTES:
        return _DOUBLE_QUOTE_CLASS
    return re.escape(character)


def _either_case(character: str) -> str:
    lower, upper = character.lower(), character.upper()
    if lower == upper:
        return _character(character)
    return f"[{re.escape(lower)}{re.escape(upper)}]"


def _word(word: str, *, loose_first: bool = False, en_is_ampersand: bool = False) -> str:
    if en_is_ampersand and word.lower() in {"en", "&"}:
        return "(?:en|&)"
    head = _either_case(word[0]) if loose_first else _character(word[0])
    return head + "".join(_character(character) for character in word[1:])


def _exact(name: str) -> str:
    """Case-sensitive; any whitespace between words, any quote for any quote."""
    return r"\s+".join(_word(word) for word in name.split())


def _person(name: str) -> str:
    return r"\s+".join(_word(word, loose_first=word.lower() in _PARTICLES) for word in name.split())


def _titled(name: str) -> str:
    """An organisation's or body's name: a first word of several may be lower case in text."""
    words = name.split()
    loose = len(words) > 1
    return r"\s+".join(
        _word(word, loose_first=loose and position == 0, en_is_ampersand=loose)
        for position, word in enumerate(words)
    )


def _core(core: str) -> str:
    """A body's name without its kind word: any case, commas optional, quotes optional."""
    words = [word.rstrip(",") for word in core.split()]
    words = [word for word in words if word]
    if words:
        words[0] = words[0].lstrip(_SINGLE_QUOTES + _DOUBLE_QUOTES) or words[0]
        words[-1] = words[-1].rstrip(_SINGLE_QUOTES + _DOUBLE_QUOTES) or words[-1]
    body = r",?\s+".join(_word(word, en_is_ampersand=True) for word in words)
    return f"{_ANY_QUOTE}?(?i:{body}){_ANY_QUOTE}?"


def _clean(name: str) -> str:
    # The text is compared in composed form (NFC), so the names are too: "é" is one character.
    return unicodedata.normalize("NFC", " ".join(name.split()))


def _usable_abbreviation(abbreviation: str) -> bool:
    capitals = sum(character.isupper() for character in abbreviation)
    return capitals >= 2 or any(character.isdigit() for character in abbreviation)


def _body_patterns(name: str) -> Iterable[tuple[str, str]]:
    """(pattern, the words it requires) for each way a body is named."""
    yield _titled(name), name
    lowered = name.lower()
    for kind_word, written in _KIND_WORDS.items():
        if lowered.startswith(kind_word + " "):
            core = name[len(kind_word) :].strip()
            kinds = "|".join(r"\s+".join(map(re.escape, form.split())) for form in written)
            yield rf"(?i:{kinds})\s+{_core(core)}", core


# Patterns kept compiled per finder, one per set of names a text was searched with.
COMPILED_KEPT = 4096
_WORD = re.compile(r"\w+")
# Words a name may be written without, or in another form ("en" for "&"): never a key word.
_NOT_KEY = frozenset({"en"})


def _key_word(required: str) -> str | None:
    """The longest word of ``required`` that any text naming it holds (folded), if any."""
    words = [word for word in _WORD.findall(required.casefold()) if word not in _NOT_KEY]
    return max(words, key=len) if words else None


class EntityFinder:
    """Finds the registry's names in texts; build once, then call :meth:`find` per text."""

    def __init__(self) -> None:
        # pattern → (length of the name it stands for, the records it names, its key word)
        entries: dict[str, tuple[int, list[tuple[Kind, int]], str | None]] = {}

        def add(pattern: str, name: str, kind: Kind, pk: int, required: str = "") -> None:
            length, targets, _ = entries.get(pattern, (0, [], None))
            if (kind, pk) not in targets:
                targets.append((kind, pk))
            entries[pattern] = (max(length, len(name)), targets, _key_word(required or name))

        for pk, name in Municipality.objects.values_list("pk", "name"):
            if name := _clean(name):
                add(_exact(name), name, "municipalities", pk)
        for pk, name, abbreviation in Organisation.objects.values_list(
            "pk", "name", "abbreviation"
        ):
            if name := _clean(name):
                add(_titled(name), name, "organisations", pk)
            if (abbreviation := _clean(abbreviation)) and _usable_abbreviation(abbreviation):
                add(_exact(abbreviation), abbreviation, "organisations", pk)
        for pk, name in Person.objects.values_list("pk", "name"):
            if name := _clean(name):
                add(_person(name), name, "people", pk)
        for pk, name in Body.objects.values_list("pk", "name"):
            if name := _clean(name):
                for pattern, required in _body_patterns(name):
                    add(pattern, name, "bodies", pk, required)

        # Longest names first: at any position the alternation takes the first that matches,
        # so "SER netwerk regionale projecten …" is preferred over "SER".
        ordered = sorted(entries.items(), key=lambda item: (-item[1][0], item[0]))
        self._patterns: tuple[str, ...] = tuple(pattern for pattern, _ in ordered)
        self._targets: list[list[tuple[Kind, int]]] = [targets for _, (_, targets, _) in ordered]
        self._by_key: dict[str, list[int]] = {}
        self._always: list[int] = []  # names without a key word: tried on every text
        self._compiled: dict[tuple[int, ...], re.Pattern[str]] = {}
        for number, (_, (_, _, key)) in enumerate(ordered):
            if key is None:
                self._always.append(number)
            else:
                self._by_key.setdefault(key, []).append(number)

    def find(self, text: str) -> Links:
        """The records named in ``text``."""
        links = Links()
        if not self._patterns or not text:
            return links
        text = unicodedata.normalize("NFC", text)
        words = set(_WORD.findall(text.casefold()))
        chosen = set(self._always)
        for word in words & self._by_key.keys():
            chosen.update(self._by_key[word])
        if not chosen:
            return links
        numbers = tuple(sorted(chosen))  # in the order of all names: longest first
        for match in self._alternation(numbers).finditer(text):
            group = match.lastgroup
            if group is None:
                continue
            for kind, pk in self._targets[int(group[1:])]:
                getattr(links, kind).add(pk)
        return links

    def _alternation(self, numbers: tuple[int, ...]) -> re.Pattern[str]:
        """One pattern of the chosen names, each in a group named by its number."""
        compiled = self._compiled.get(numbers)
        if compiled is None:
            if len(self._compiled) >= COMPILED_KEPT:
                self._compiled.clear()
            alternatives = "|".join(
                f"(?P<n{number}>{self._patterns[number]})" for number in numbers
            )
            compiled = self._compiled[numbers] = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
        return compiled
