"""The piece of a record's text shown under a hit: the best window around the matched words,
HTML-escaped, the matches in ``<mark>``. Built in Python from the original text, for the
returned page only, the same way whatever the engine.

A page shows twenty of them, so the work per hit is kept small: the text is read as the runs
between its spaces, and the index forms of each run's words come from the cache the index
fills (``text.chunk_forms``). Only the runs inside the window shown are folded and split again,
to find where their words are in the original text."""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from html import escape
from itertools import accumulate, chain, takewhile

from django.utils.safestring import SafeString, mark_safe

from koepel.search.parse import Clause, Query
from koepel.search.text import STOP_WORDS, chunk_forms, fold, words

WINDOW = 30  # words shown
LEAD = 5  # words shown before the first match in the window
# A very long text is only read this far for its snippet: the hit is found already.
MAX_SCAN = 200_000
_TOKEN = re.compile(r"[^\W_]+")
_RUN = re.compile(r"\S+")  # a run between spaces, as ``str.split`` finds them


def _word_spans(run: str, offset: int) -> list[tuple[int, int]]:
    """Where in the text each word of a run lies, for a run whose folding moves characters:
    folded a character at a time, each folded character remembers where it came from."""
    folded: list[str] = []
    origin: list[int] = []
    for place, character in enumerate(run):
        part = _fold_character(character)
        folded.append(part)
        origin.extend([place] * len(part))
    return [
        (offset + origin[match.start()], offset + origin[match.end() - 1] + 1)
        for match in _TOKEN.finditer("".join(folded))
    ]


_fold_character = lru_cache(maxsize=4096)(fold)


def _one_for_one(character: str) -> bool:
    """Whether a character folds to exactly one: "ë" does, "ß" (two) and a loose accent
    (none) do not. A text can hold both, and a length that adds up is no proof."""
    return len(_fold_character(character)) == 1


def _window_spans(
    text: str, text_runs: list[str], per_run: list[tuple[str, ...]], first: int, last: int
) -> tuple[int, list[tuple[int, int]]]:
    """The places of the words ``first`` to ``last``, and of the other words of the runs they
    are in, with the number of the first word placed. Only that piece of the text is read."""
    words_so_far = list(accumulate(map(len, per_run)))
    first_run, last_run = bisect_right(words_so_far, first), bisect_right(words_so_far, last)
    placed_from = words_so_far[first_run] - len(per_run[first_run])
    # Where a run starts: what is left after splitting off the runs before it.
    start = len(text) - len(text.split(None, first_run)[-1])
    stop = len(text) - len(text.split(None, last_run)[-1]) + len(text_runs[last_run])
    piece = text[start:stop]
    if piece.isascii() or all(map(_one_for_one, set(piece))):
        # Folding keeps every character in its place (the usual case: accents dropped), so
        # the places of the folded words hold for the original.
        folded = fold(piece)
        return placed_from, [(start + m.start(), start + m.end()) for m in _TOKEN.finditer(folded)]
    spans: list[tuple[int, int]] = []
    for run in _RUN.finditer(piece):
        spans.extend(_word_spans(run.group(), start + run.start()))
    return placed_from, spans


def _runs(forms: list[str], query: Query) -> list[tuple[int, int, int]]:
    """Runs of words that match a clause, as (first word, last word, clause number). Stop
    words ("" in ``forms``) are skipped inside a phrase, as the SQLite index skips them."""
    stems = {stem for clause in query.clauses for stem in clause.stems}
    prefixes = tuple(clause.stems[-1] for clause in query.clauses if clause.prefix)
    if all(len(clause.stems) == 1 for clause in query.clauses):
        # Single words (the usual search): a match is a word, no stop words to skip.
        return [
            (index, index, number)
            for index, form in enumerate(forms)
            if form in stems or (prefixes and form.startswith(prefixes))
            for number, clause in enumerate(query.clauses)
            if _fits(form, clause.stems[0], clause.prefix)
        ]
    content = [i for i, form in enumerate(forms) if form]
    if prefixes:
        starts = [
            position
            for position, index in enumerate(content)
            if forms[index] in stems or forms[index].startswith(prefixes)
        ]
    else:
        starts = [position for position, index in enumerate(content) if forms[index] in stems]
    runs: list[tuple[int, int, int]] = []
    for position in starts:
        for number, clause in enumerate(query.clauses):
            wanted = clause.stems
            last = len(wanted) - 1
            if position + last >= len(content):
                continue
            if all(
                _fits(forms[content[position + k]], wanted[k], clause.prefix and k == last)
                for k in range(len(wanted))
            ):
                runs.append((content[position], content[position + last], number))
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


def _ends_with_stop_words(clause: Clause) -> bool:
    return bool(clause.words) and (clause.words[0] in STOP_WORDS or clause.words[-1] in STOP_WORDS)


def snippet(text: str, query: Query) -> SafeString:
    """Safe HTML: a window of the text with the matches marked."""
    scanned = text[:MAX_SCAN]
    text_runs = scanned.split()
    per_run = chunk_forms(text_runs)
    forms = list(chain.from_iterable(per_run))
    if not forms:
        return mark_safe("")
    runs = _runs(forms, query)
    if runs and any(map(_ends_with_stop_words, query.clauses)):
        found = list(chain.from_iterable(map(words, text_runs)))
        runs = [
            (*_with_stop_words(found, query.clauses[number], first, last), number)
            for first, last, number in runs
        ]
    start = _best_start(runs, len(forms))
    end = min(len(forms), start + WINDOW) - 1
    placed_from, spans = _window_spans(scanned, text_runs, per_run, start, end)

    def span(word: int) -> tuple[int, int]:
        return spans[word - placed_from]

    html: list[str] = ["… " if start > 0 else ""]
    cursor = span(start)[0]
    for first, last, _ in sorted(runs, key=lambda run: (run[0], -run[1])):
        if first < start or last > end or span(first)[0] < cursor:
            continue
        html.append(escape(scanned[cursor : span(first)[0]]))
        html.append(f"<mark>{escape(scanned[span(first)[0] : span(last)[1]])}</mark>")
        cursor = span(last)[1]
    html.append(escape(scanned[cursor : span(end)[1]]))
    if end < len(forms) - 1 or len(text) > MAX_SCAN:
        html.append(" …")
    return mark_safe("".join(html))  # noqa: S308 (every piece of text is escaped above)
