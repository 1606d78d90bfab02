"""The piece of a record's text shown under a hit: the best window around the matched words,
HTML-escaped, the matches in ``<mark>``. Built in Python from the original text, for the
returned page only, the same way whatever the engine."""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import takewhile

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from koepel.search.parse import Clause, Query
from koepel.search.text import STOP_WORDS, fold, stem

WINDOW = 30  # words shown
# A very long text is only read this far for its snippet: the hit is found already.
MAX_SCAN = 200_000
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    folded: str
    stem: str | None  # None for a stop word, "" for a word no clause matches


def _words(text: str, query: Query) -> list[_Word]:
    stems = {s for clause in query.clauses for s in clause.stems}
    prefixes = tuple(clause.stems[-1] for clause in query.clauses if clause.prefix)
    found = []
    for match in _TOKEN.finditer(text, 0, MAX_SCAN):
        for folded in _TOKEN.findall(fold(match.group())):
            if folded in STOP_WORDS:
                found.append(_Word(match.start(), match.end(), folded, None))
                continue
            word_stem = stem(folded)
            if word_stem not in stems and not (prefixes and word_stem.startswith(prefixes)):
                word_stem = ""  # a word no clause can match
            found.append(_Word(match.start(), match.end(), folded, word_stem))
    return found


def _marked(words: list[_Word], query: Query) -> list[tuple[int, int, int]]:
    """Runs of words that match a clause, as (first word, last word, clause number)."""
    content = [i for i, word in enumerate(words) if word.stem is not None]
    runs: list[tuple[int, int, int]] = []
    # Only a matched word can start a run; stop words are skipped inside a phrase, as the
    # SQLite index skips them.
    for position, index in enumerate(content):
        if not words[index].stem:
            continue
        for number, clause in enumerate(query.clauses):
            wanted = clause.stems
            last = len(wanted) - 1
            if not wanted or position + last >= len(content):
                continue
            if all(
                _fits(
                    words[content[position + k]].stem or "", wanted[k], clause.prefix and k == last
                )
                for k in range(len(wanted))
            ):
                first, end = _with_stop_words(words, clause, index, content[position + last])
                runs.append((first, end, number))
    return runs


def _with_stop_words(words: list[_Word], clause: Clause, first: int, last: int) -> tuple[int, int]:
    """Widen a phrase's run to the stop words it starts or ends with ("Een thuis…")."""
    leading = list(takewhile(lambda word: word in STOP_WORDS, clause.words))
    trailing = list(takewhile(lambda word: word in STOP_WORDS, reversed(clause.words)))
    before = [word.folded for word in words[max(0, first - len(leading)) : first]]
    if leading and before == leading:
        first -= len(leading)
    after = [word.folded for word in words[last + 1 : last + 1 + len(trailing)]]
    if trailing and after == trailing[::-1]:
        last += len(trailing)
    return first, last


def _fits(word_stem: str, wanted: str, prefix: bool) -> bool:
    return word_stem.startswith(wanted) if prefix else word_stem == wanted


def _best_window(runs: list[tuple[int, int, int]], count: int) -> int:
    """The first word of the window that shows the most different clauses, then the most
    matches, starting a few words before the first of them."""
    best, best_score = 0, (0, 0)
    end = 0
    for i, (first, _, _) in enumerate(runs):
        start = max(0, first - 5)
        end = max(end, i)
        while end < len(runs) and runs[end][1] < start + WINDOW:
            end += 1
        inside = runs[i:end]
        score = (len({run[2] for run in inside}), len(inside))
        if score > best_score:
            best, best_score = start, score
    return min(best, max(0, count - WINDOW))


def snippet(text: str, query: Query) -> SafeString:
    """Safe HTML: a window of the text with the matches marked."""
    words = _words(text, query)
    if not words:
        return mark_safe("")
    runs = _marked(words, query)
    start = _best_window(runs, len(words))
    end = min(len(words), start + WINDOW) - 1
    html: list[str] = ["… " if start > 0 else ""]
    cursor = words[start].start
    for first, last, _ in sorted(runs, key=lambda run: (run[0], -run[1])):
        if first < start or last > end or words[first].start < cursor:
            continue
        html.append(escape(text[cursor : words[first].start]))
        html.append(f"<mark>{escape(text[words[first].start : words[last].end])}</mark>")
        cursor = words[last].end
    html.append(escape(text[cursor : words[end].end]))
    if end < len(words) - 1 or len(text) > MAX_SCAN:
        html.append(" …")
    return mark_safe("".join(html))  # noqa: S308 (every piece of text is escaped above)
