"""The scopes of the index's words, for the counts of a search kept per data version
(``koepel.core.caching``).

How many entries of each kind match a search changes only when an entry that holds one of its
words comes or goes, gains or loses the word, or changes who may see it, its kind, its bodies
or its year. A write of a few entries (a decision recorded, a document's title changed) gives
new tokens to the words that changed in that sense (``of_change``), and the counts of a search
for any other word stay kept; the page of hits, whose snippets show an entry's text, is built
afresh after every write. A word's scope is its first three letters as the index holds it, so
that a prefix of three letters or more (``woning*``) falls in one scope. The counts of a
phrase are kept under every write of the index: which entries hold a phrase changes with the
order of their words too.
"""

from __future__ import annotations

from collections.abc import Iterable

from koepel.core import caching
from koepel.search.parse import Query
from koepel.search.text import MAX_VECTOR_TEXT, index_terms

KIND = "search"
# How many letters of a word name its scope.
SCOPE_LETTERS = 3


def of_word(form: str) -> str:
    return f"w-{form[:SCOPE_LETTERS]}"


def forms(title: str, text: str) -> set[str]:
    """The words of an entry as the index holds them: on PostgreSQL the text only up to
    ``MAX_VECTOR_TEXT``, where the cut may part a word (an edit near the start can move a word
    past it), so both."""
    found = set(index_terms(title).split()) | set(index_terms(text).split())
    if len(text) > MAX_VECTOR_TEXT:
        found |= set(index_terms(text[:MAX_VECTOR_TEXT]).split())
    return found


def of_change(
    before: tuple[set[str], Iterable[str]] | None, after: tuple[set[str], Iterable[str]] | None
) -> set[str]:
    """The scopes a change of one entry touches: from its words and its terms (who may see it,
    its kind, bodies and year) before and after (None: not there)."""
    if before is None or after is None:
        return {of_word(form) for form in (after or before or (set(), ()))[0]}
    (old_forms, old_terms), (new_forms, new_terms) = before, after
    changed = old_forms | new_forms if set(old_terms) != set(new_terms) else old_forms ^ new_forms
    return {of_word(form) for form in changed}


def kinds_of(query: Query) -> tuple[str, ...]:
    """The kinds to keep a search's counts under: the scopes of its words; every write of the
    index for a prefix shorter than a scope's letters, and for a phrase, whose matches
    change with the order of an entry's words, not only with which it holds."""
    found = []
    for clause in query.clauses:
        if clause.is_phrase or (clause.prefix and len(clause.stems[-1]) < SCOPE_LETTERS):
            return (KIND,)
        found += [of_word(form) for form in clause.stems]
    return tuple(caching.scoped(KIND, scope) for scope in sorted(set(found)))
