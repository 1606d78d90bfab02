"""Dutch text as the index sees it: folded, split into words, stop words out, stemmed.

One set of functions serves both engines and both sides (what is indexed and what is asked),
so a word typed in the search box meets the same word in a record whatever the engine: the
SQLite engine stores ``index_terms`` of a text, the PostgreSQL engine the ``weighted_vector``
of a title and text (the ``vector_text`` of each, joined as PostgreSQL joins vectors).

The stemmer is Snowball's classic Dutch algorithm, which PyStemmer calls ``dutch_porter``.
PostgreSQL 15's ``dutch`` configuration uses the same algorithm; PyStemmer's newer ``dutch``
strips the "ge-" prefix and would turn "gemeenten" into "meen" (docs/design.md, "Search").
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections import defaultdict
from html.parser import HTMLParser
from itertools import chain

import Stemmer  # type: ignore[import-not-found]  # PyStemmer ships no type hints

# PostgreSQL's dutch.stop (the Snowball list), so both engines leave out the same words.
_STOP_LIST = """
    de en van ik te dat die in een hij het niet zijn is was op aan met als voor had er maar
    om hem dan zou of wat mijn men dit zo door over ze zich bij ook tot je mij uit der daar
    haar naar heb hoe heeft hebben deze u want nog zal me zij nu ge geen omdat iets worden
    toch al waren veel meer doen toen moet ben zonder kan hun dus alles onder ja eens hier
    wie werd altijd doch wordt wezen kunnen ons zelf tegen na reeds wil kon niets uw iemand
    geweest andere
"""
STOP_WORDS = frozenset(_STOP_LIST.split())

# Longer "words" are noise (a pasted hash, a run of letters); PostgreSQL refuses very long
# ones in a query, so neither engine ever sees them in one.
MAX_WORD_LENGTH = 60
MAX_VECTOR_TEXT = 500_000

_WORD = re.compile(r"[^\W_]+")
_MARKS = re.compile("[\u0300-\u036f]")
# Letters that Unicode does not decompose, and typographic punctuation that would otherwise
# keep a text off the fast ASCII path below.
_UNDECOMPOSED = {
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ø": "o",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
    "‘": " ",
    "’": " ",
    "‚": " ",
    "“": " ",
    "”": " ",
    "„": " ",
    "–": " ",
    "—": " ",
    "…": " ",
    "•": " ",
    "«": " ",
    "»": " ",
    "\u00a0": " ",
}
_UNDECOMPOSED_RE = re.compile("[" + "".join(_UNDECOMPOSED) + "]")
# For ASCII text: every byte that is not a letter or digit becomes a space.
_ASCII_SEPARATORS = bytes(
    b if chr(b).isascii() and chr(b).isalnum() else ord(" ") for b in range(256)
)

_stemmer = Stemmer.Stemmer("dutch_porter")
_stemmer_lock = threading.Lock()
# Word frequencies follow Zipf's law: small caches answer most look-ups. Past the limit a word
# is stemmed each time it comes, which is slower but as right.
_CACHE_LIMIT = 200_000
_stems: dict[str, str] = {}
_index_forms: dict[str, str] = {}  # a word as the index holds it: its stem, "" if left out
_chunks: dict[str, str] = {}  # a run of text between spaces: its words' stems


def fold(text: str) -> str:
    """Lower case without accents: "Financiën" and "financien" become one word."""
    text = text.lower()
    if text.isascii():
        return text
    text = _MARKS.sub("", unicodedata.normalize("NFKD", text))
    if text.isascii():
        return text
    return _UNDECOMPOSED_RE.sub(lambda match: _UNDECOMPOSED[match.group()], text)


def words(text: str) -> list[str]:
    """The words of a text, folded, in order."""
    return folded_words(fold(text))


def folded_words(folded: str) -> list[str]:
    """The words of a text folded already, in order."""
    if folded.isascii():
        # Splitting on a translated copy is many times faster than the regular expression,
        # and gives the same words for ASCII text.
        return folded.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii").split()
    return _WORD.findall(folded)


def stem(word: str) -> str:
    """The stem of one folded word."""
    found = _stems.get(word)
    if found is None:
        with _stemmer_lock:  # a Stemmer is not made for two threads at once
            found = str(_stemmer.stemWord(word))
        if len(_stems) < _CACHE_LIMIT:
            _stems[word] = found
    return found


def index_form(word: str) -> str:
    """A folded word as the index holds it: its stem, or "" for a word left out."""
    form = _index_forms.get(word)
    if form is None:
        form = "" if word in STOP_WORDS or len(word) > MAX_WORD_LENGTH else stem(word)
        if len(_index_forms) < _CACHE_LIMIT:
            _index_forms[word] = form
    return form


def index_forms(found: list[str]) -> list[str]:
    """``index_form`` of each word."""
    try:
        # The common case, every word seen before, runs in C: one dictionary look-up a word.
        return list(map(_index_forms.__getitem__, found))
    except KeyError:
        return [index_form(word) for word in found]


def _chunk_forms(chunk: str) -> str:
    """The index forms of the words in a run of text without spaces ("Financiën,")."""
    forms = _chunks.get(chunk)
    if forms is None:
        forms = " ".join(filter(None, index_forms(words(chunk))))
        if len(_chunks) < _CACHE_LIMIT:
            _chunks[chunk] = forms
    return forms


def index_terms(text: str) -> str:
    """A text as the SQLite engine indexes it: the stems of its words, stop words left out,
    separated by one space or more (the index reads runs of spaces as one).

    Folding and splitting never join or part words across a space, so the text is read as
    the runs between its spaces, each as written ("Woningen,", "financiën."), and each run is
    looked up once in a cache of its stems: for the many runs seen before, the whole text is
    split, looked up and joined in C, without folding it first.
    """
    chunks = text.split()
    try:
        return " ".join(map(_chunks.__getitem__, chunks))
    except KeyError:
        for chunk in chunks:
            if chunk not in _chunks:
                _chunk_forms(chunk)
    try:
        return " ".join(map(_chunks.__getitem__, chunks))
    except KeyError:  # the cache is full
        return " ".join(map(_chunk_forms, chunks))


# PostgreSQL keeps a word's places up to 16,383 (a later place counts as that one) and at most
# 256 places of one word in a vector.
MAX_POSITION = 16383
MAX_PLACES = 256


def vector_text(text: str) -> str:
    """A text as a PostgreSQL ``tsvector`` literal: the stems of its words with their places,
    as the SQLite engine's index holds the same stems. A stop word keeps its place, so a
    phrase around one ("een thuis voor iedereen") keeps the distance between the words it
    has. A vector holds at most 1 MB, so a very long text is indexed by its beginning.

    The engine stores ``weighted_vector``, which is what PostgreSQL makes of the
    ``vector_text`` of a title and of a text; this one is the rule it is held to."""
    forms = _text_forms(text[:MAX_VECTOR_TEXT])
    places: defaultdict[str, list[int]] = defaultdict(list)
    for position, form in enumerate(forms, 1):
        places[form].append(position)
    places.pop("", None)  # the stop words
    if len(forms) > MAX_POSITION:
        for form, found in places.items():
            places[form] = [min(position, MAX_POSITION) for position in found]
    # Stems hold only letters and digits, so single quotes need no escaping.
    return " ".join(
        [
            f"'{form}':{','.join(map(_NUMBERS.__getitem__, found[:MAX_PLACES]))}"
            for form, found in places.items()
        ]
    )


_NUMBERS = [str(number) for number in range(MAX_POSITION + 1)]
# A place with its weight, as a vector literal writes it: "12A".
_WEIGHTED = {weight: [f"{number}{weight}" for number in range(MAX_POSITION + 1)] for weight in "AB"}


def weighted_vector(title: str, text: str) -> str:
    """A title and text as one ``tsvector`` literal: the title's words weighted A, the text's
    B, the text's places going on after the title's last word, as PostgreSQL's
    ``setweight(title, 'A') || setweight(text, 'B')`` of two ``vector_text`` literals gives
    it (docs/design.md, "Search"), so that the server reads one literal and joins nothing.

    Joining, PostgreSQL adds the last place in the title's vector to each place of the text
    (16,383 at most) and keeps a word's places until it holds 256 or reaches 16,383: the
    text's places are counted on from the title's last one here, with the same limits."""
    title_places = _places(title, 1)
    shift = max([found[-1] for found in title_places.values()], default=0)
    text_places = _places(text, shift + 1)
    weighted_a, weighted_b = _WEIGHTED["A"], _WEIGHTED["B"]
    parts = []
    for form, found in title_places.items():
        labels = list(map(weighted_a.__getitem__, found))
        also = text_places.pop(form, None)
        if also and found[-1] < MAX_POSITION:
            labels += map(weighted_b.__getitem__, also[: MAX_PLACES - len(found)])
        parts.append(f"'{form}':{','.join(labels)}")
    for form, found in text_places.items():
        parts.append(f"'{form}':{','.join(map(weighted_b.__getitem__, found))}")
    # Stems hold only letters and digits, so single quotes need no escaping.
    return " ".join(parts)


def _places(text: str, first: int) -> dict[str, list[int]]:
    """The places of each word's form in a text, counted from ``first``, as a vector keeps
    them: in order, at most 256, and a place past 16,383 counted once, as that one."""
    forms = _text_forms(text[:MAX_VECTOR_TEXT])
    places: defaultdict[str, list[int]] = defaultdict(list)
    for position, form in enumerate(forms, first):
        places[form].append(position)
    places.pop("", None)  # the stop words
    if len(forms) > MAX_PLACES or first + len(forms) > MAX_POSITION:
        for form, found in places.items():
            if len(found) > MAX_PLACES or found[-1] > MAX_POSITION:
                kept = [position for position in found if position < MAX_POSITION]
                if len(kept) < len(found):
                    kept.append(MAX_POSITION)
                places[form] = kept[:MAX_PLACES]
    return places


_chunk_places: dict[str, tuple[str, ...]] = {}  # a run of text: its words' index forms


def _chunk_place_forms(chunk: str) -> tuple[str, ...]:
    """The index forms of the words in a run of text without spaces, "" for each word left
    out: a stop word keeps its place in a vector."""
    forms = _chunk_places.get(chunk)
    if forms is None:
        forms = tuple(index_forms(words(chunk)))
        if len(_chunk_places) < _CACHE_LIMIT:
            _chunk_places[chunk] = forms
    return forms


def chunk_forms(chunks: list[str]) -> list[tuple[str, ...]]:
    """``index_forms`` of the words of each run of text without spaces, as ``_text_forms``
    reads them: a tuple a run, "" for each word left out."""
    try:
        return list(map(_chunk_places.__getitem__, chunks))
    except KeyError:
        return list(map(_chunk_place_forms, chunks))


def _text_forms(text: str) -> list[str]:
    """The index form of every word of a text in order, "" for a word left out; read run by
    run between the spaces, as ``index_terms`` reads a text."""
    chunks = text.split()
    try:
        return list(chain.from_iterable(map(_chunk_places.__getitem__, chunks)))
    except KeyError:
        return list(chain.from_iterable(map(_chunk_place_forms, chunks)))


class _TextOfHtml(HTMLParser):
    # Elements that end a line of text: without a space their words would run together.
    BREAKS = frozenset(
        {"p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "hr"}
        | {"tr", "td", "th", "table", "blockquote", "section", "article"}
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of an HTML fragment (minutes), with entities decoded."""
    parser = _TextOfHtml()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())
