"""What a visitor typed, read as Koepel's small query language, so that no input is an error.

- words: every word must occur (AND), in any form of it ("woningen" finds "woning");
- "a phrase in quotes": the words in this order;
- a prefix: ``woning*`` finds every word that starts like "woning".

Everything else (operators of other engines, ``title:``, brackets, a lone quote) is read as
punctuation between words. Each engine renders the same parsed query in its own syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from koepel.search.text import MAX_WORD_LENGTH, STOP_WORDS, stem, words

# Beyond these a query says nothing more that a search can use, only costs more.
MAX_QUERY_CHARACTERS = 1000
MAX_CLAUSES = 12

# A quoted phrase, or a run of characters that keeps words together as written ("Noord-
# Holland", "’s-Hertogenbosch", "woning*"). Quotes, brackets and the like separate.
_PART = re.compile(r'"([^"]*)"|([^\s",;:()\[\]{}<>!?+=&|^~]+)')


@dataclass(frozen=True)
class Clause:
    """One thing every hit must contain: a word, or words in a row."""

    words: tuple[str, ...]  # folded, stop words kept: PostgreSQL counts their positions
    prefix: bool = False  # the last word may go on

    @cached_property  # asked for each word of every snippet
    def stems(self) -> tuple[str, ...]:
        """The stems the SQLite index holds for these words (it leaves out stop words)."""
        return tuple(stem(word) for word in self.words if word not in STOP_WORDS)

    @property
    def is_phrase(self) -> bool:
        return len(self.words) > 1


@dataclass(frozen=True)
class Query:
    text: str
    clauses: tuple[Clause, ...]

    def __bool__(self) -> bool:
        return bool(self.clauses)


def _clause(found: list[str], prefix: bool) -> Clause | None:
    if not found or any(len(word) > MAX_WORD_LENGTH for word in found):
        return None
    if all(word in STOP_WORDS for word in found):
        return None  # both engines leave stop words out of their index
    # A stop word is not indexed, so it cannot start a prefix.
    return Clause(tuple(found), prefix=prefix and found[-1] not in STOP_WORDS)


def parse(text: str) -> Query:
    """The clauses of what was typed; an empty query when nothing searchable remains."""
    clauses: list[Clause] = []
    for match in _PART.finditer(text[:MAX_QUERY_CHARACTERS]):
        quoted, plain = match.groups()
        if quoted is not None:
            clause = _clause(words(quoted), prefix=False)
        else:
            clause = _clause(words(plain), prefix=plain.endswith("*"))
        if clause is not None and clause not in clauses:
            clauses.append(clause)
        if len(clauses) == MAX_CLAUSES:
            break
    return Query(text=text, clauses=tuple(clauses))
