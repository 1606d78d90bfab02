"""The piece of a record's text shown under a hit: the best window around the matched words,
HTML-escaped, the matches in ``<mark>``. Built in Python from the original text, for the
returned page only, the same way whatever the engine."""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import islice, takewhile

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from koepel.search.parse import Clause, Query
from koepel.search.text import STOP_WORDS, fold, folded_words, index_forms

WINDOW = 30  # words shown
LEAD = 5  # words shown before the first match in the window
# A very long text is only read this far for its snippet: the hit is found already.
MAX_SCAN = 200_000
_TOKEN = re.compile(r"[^\W_]+")


def _tokens(text: str) -> tuple[list[str], Callable[[int, int], list[tuple[int, int]]]]:
    """The words of the text, folded, and a function giving the places in the text of the
    words ``first`` to ``last``: only the words of the snippet's window need them."""
    folded = fold(text)
    if len(folded) == len(text):
        # Folding kept every character in its place (the usual case: accents dropped), so
        # the folded text can be read in one go and its positions hold for the original.
        def spans(first: int, last: int) -> list[tuple[int, int]]:
            return [m.span() for m in islice(_TOKEN.finditer(folded), first, last + 1)]

        return folded_words(folded), spans
    every_span, found = [], []
    for match in _TOKEN.finditer(text):
        for word in _TOKEN.findall(fold(match.group())):
            every_span.append(match.span())
            found.append(word)
    return found, lambda first, last: every_span[first : last + 1]


def _runs(forms: list[str], query: Query) -> list[tuple[int, int, int]]:
    """Runs of words that match a clause, as (first word, last word, clause number). Stop
    words ("" in ``forms``) are skipped inside a phrase, as the SQLite index skips them."""
    stems = {stem for clause in query.clauses for stem in clause.stems}
    prefixes = tuple(clause.stems[-1] for clause in query.clauses if clause.prefix)
    content = [i for i, form in enumerate(forms) if form]
    runs: list[tuple[int, int, int]] = []
    for position, index in enumerate(content):
        form = forms[index]
        if form not in stems and not (prefixes and form.startswith(prefixes)):
            continue
        for number, clause in enumerate(query.clauses):
            wanted = clause.stems
            last = len(wanted) - 1
            if position + last >= len(content):
                continue
            if all(
                _fits(forms[content[position + k]], wanted[k], clause.prefix and k == last)
                for k in range(len(wanted))
            ):
                runs.append((index, content[position + last], number))
    return runs


def _fits(form: str, wanted: str, prefix: bool) -> bool:
    return form.startswith(wanted) if prefix else form == wanted


def _with_stop_words(words: list[str], clause: Clause, first: int, last: int) -> tuple[int, int]:
    """Widen a phrase's run to the stop words it starts or ends with ("Een thuis…")."""
    leading = list(takewhile(lambda word: word in STOP_WORDS, clause.words))
    trailing = list(takewhile(lambda word: word in STOP_WORDS, reversed(clause.words)))
    if leading and words[max(0, first - len(leading)) : first] == leading:
        first -= len(leading)
    if trailing and words[last + 1 : last + 1 + len(trailing)] == trailing[::-1]:
        last += len(trailing)
    return first, last


def _best_start(runs: list[tuple[int, int, int]], count: int) -> int:
    """The first word of the window that shows the most different clauses, then the most
    matches, starting a few words before the first of them."""
    best, best_score = 0, (0, 0)
    end = 0
    for i, (first, _, _) in enumerate(runs):
        start = max(0, first - LEAD)
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
    scanned = text[:MAX_SCAN]
    found, spans_of = _tokens(scanned)
    if not found:
        return mark_safe("")
    forms = index_forms(found)
    runs = [
        (*_with_stop_words(found, query.clauses[number], first, last), number)
        for first, last, number in _runs(forms, query)
    ]
    start = _best_start(runs, len(found))
    end = min(len(found), start + WINDOW) - 1
    window = spans_of(start, end)

    def span(word: int) -> tuple[int, int]:
        return window[word - start]

    html: list[str] = ["… " if start > 0 else ""]
    cursor = span(start)[0]
    for first, last, _ in sorted(runs, key=lambda run: (run[0], -run[1])):
        if first < start or last > end or span(first)[0] < cursor:
            continue
        html.append(escape(scanned[cursor : span(first)[0]]))
        html.append(f"<mark>{escape(scanned[span(first)[0] : span(last)[1]])}</mark>")
        cursor = span(last)[1]
    html.append(escape(scanned[cursor : span(end)[1]]))
    if end < len(found) - 1 or len(text) > MAX_SCAN:
        html.append(" …")
    return mark_safe("".join(html))  # noqa: S308 (every piece of text is escaped above)
