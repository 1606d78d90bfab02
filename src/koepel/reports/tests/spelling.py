"""A Dutch spelling check of the report's sentences: Hunspell's Dutch dictionary (Debian's
``hunspell-nl``, read by the pure-Python ``spylls``) plus the names in the registry.

What is checked: every word of a sentence, except titles in quotes (‘…’, the names of
reports, papers and dossiers), web addresses, words with a digit (G40, 2021) and
abbreviations in capitals (RRF, VNG). A word joined by hyphens passes when each part does.
A name counts in any case ("Opgavetafel mkb" allows "opgavetafel").
"""

from __future__ import annotations

import functools
import gc
import re
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

DICTIONARY = Path("/usr/share/hunspell/nl")
INSTALL = "apt-get install hunspell-nl"


@functools.cache
def _dictionary() -> Any:
    aff, dic = DICTIONARY.with_suffix(".aff"), DICTIONARY.with_suffix(".dic")
    if not (aff.is_file() and dic.is_file()):
        pytest.fail(
            f"The Dutch Hunspell dictionary is missing ({aff}, {dic}): the spelling of the "
            f"annual report cannot be checked. Install Debian's package: `{INSTALL}`.",
            pytrace=False,
        )
    from spylls.hunspell import Dictionary

    # spylls leaves the files to the garbage collector; close them here, not in some later test.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        dictionary = Dictionary.from_files(str(DICTIONARY))
        gc.collect()
    return dictionary


def registry_names() -> set[str]:
    """Every word of a name in the registry, in lower case."""
    from koepel.registry.models import Body, Municipality, Network, Organisation, Person

    texts: list[str] = []
    texts += Municipality.objects.values_list("name", flat=True)
    texts += [f"{o.name} {o.abbreviation}" for o in Organisation.objects.all()]
    texts += Person.objects.values_list("name", flat=True)
    texts += Body.objects.values_list("name", flat=True)
    texts += [f"{n.name} {n.short_name}" for n in Network.objects.all()]
    return {word.lower() for text in texts for word in re.findall(r"[^\W\d_]+", text)}


WORD = re.compile(r"[^\W\d_][\w'’-]*")


def _words(text: str) -> Iterable[str]:
    text = re.sub(r"‘[^’]*’", " ", text)  # titles
    text = re.sub(r"\S+\.(?:nl|com|org|eu)\S*|https?://\S+", " ", text)  # addresses
    for word in WORD.findall(text):
        yield word.strip("'’-")


def _known(word: str, names: set[str]) -> bool:
    if not word or any(c.isdigit() for c in word) or (word.isupper() and len(word) > 1):
        return True
    if word.lower() in names or _dictionary().lookup(word):
        return True
    parts = [part for part in word.split("-") if part]
    return len(parts) > 1 and all(_known(part, names) for part in parts)


def misspelt(text: str, names: set[str]) -> list[str]:
    """The words of the text that are neither Dutch nor a name."""
    return [word for word in _words(text) if not _known(word, names)]


def accepts(word: str) -> bool:
    """Whether the dictionary alone knows the word (for tests of the checker itself)."""
    return bool(_dictionary().lookup(word))
