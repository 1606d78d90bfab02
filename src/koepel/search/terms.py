"""The terms each entry carries in the text index beside its words: who may see it, its kind,
its bodies and its year.

A search adds the terms its viewer may see and its filters to the words typed, so that the
engine itself leaves out what the viewer may not see and counts what remains, without reading
an entry's row or its bodies for each match. The terms follow the one access check: what a
viewer may see comes from ``access.grants`` (the rules of ``koepel.accounts.access``), and an
entry holds

- ``v<level>``: its visibility level (``vpublic``, ``vnetwork``, ``vbody``, ``vrestricted``);
- ``b<id>``: at the level ``body``, each of its bodies (seen by the members of that body);
- ``m<id>``: at any level, each of its bodies (seen by whoever edits that body's records, and
  what the body filter looks for);
- ``p<id>``: when restricted, each person named on it (seen by that person);
- ``g<id>``: at any level, each person invited to it (a meeting's invitees see it);
- ``k<kind>`` and ``y<year>``: its kind and year, for the filters and the counts per kind.

The terms are written with the entry (``writing``), so a change of a record's visibility or
bodies, which rewrites its entry, changes its terms in the same transaction. They hold letters
and digits only. Each engine keeps them apart from the words (``engines``): on SQLite in a
column of their own that typed words are never matched against, on PostgreSQL as lexemes that
start with ``#``, which no typed word becomes.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from koepel.core.visibility import Grants, Visibility


def of_entry(
    kind: str,
    visibility: str,
    bodies: Iterable[int],
    people: Iterable[int],
    year: int | None,
    guests: Iterable[int] = (),
) -> list[str]:
    """The terms an entry carries."""
    if visibility not in Visibility.values:
        # An engine may match the levels a viewer sees as "none of the others" (``engines``):
        # an entry must hold exactly one of the known levels.
        raise ValueError(f"Unknown visibility level {visibility!r}.")
    body_ids = sorted(set(bodies))
    found = [f"v{visibility}", f"k{kind}"]
    found += [f"m{body}" for body in body_ids]
    if visibility == Visibility.BODY:
        found += [f"b{body}" for body in body_ids]
    if visibility == Visibility.RESTRICTED:
        found += [f"p{person}" for person in sorted(set(people))]
    found += [f"g{person}" for person in sorted(set(guests))]
    if year is not None:
        found.append(f"y{year}")
    return found


@dataclass(frozen=True)
class Seen:
    """What a viewer may see: the entries at one of ``levels`` (``v<level>`` terms) and those
    that hold one of ``terms`` (``b``, ``m``, ``p`` and ``g`` terms)."""

    levels: tuple[str, ...]
    terms: tuple[str, ...]

    @property
    def choice(self) -> tuple[str, ...]:
        """The terms of which an entry must hold one."""
        return (*self.levels, *self.terms)

    @property
    def other_levels(self) -> tuple[str, ...]:
        """The level terms not seen. Every entry holds exactly one level term, so an entry
        at a level seen is one that holds none of these: an engine may match that instead,
        which is cheaper when the levels seen hold most of the index."""
        return tuple(f"v{level}" for level in Visibility.values if f"v{level}" not in self.levels)


def allowed(grants: Grants) -> Seen | None:
    """What the viewer of ``grants`` may see; None: every entry (the office)."""
    if grants.everything:
        return None
    found = [f"b{body}" for body in sorted(grants.body_level_bodies)]
    found += [f"m{body}" for body in sorted(grants.any_level_bodies)]
    if grants.named_person is not None:
        found += [f"p{grants.named_person}", f"g{grants.named_person}"]
    return Seen(levels=tuple(f"v{level}" for level in sorted(grants.levels)), terms=tuple(found))


@dataclass(frozen=True)
class Conditions:
    """What an entry must hold besides the words: that its viewer may see it (``seen``;
    None: no such condition) and, for each member of ``choices``, one of its terms (an
    empty choice: nothing matches)."""

    choices: tuple[tuple[str, ...], ...] = ()
    seen: Seen | None = None

    def also(self, terms: Collection[str]) -> Conditions:
        return Conditions((*self.choices, tuple(terms)), self.seen)

    @property
    def all_choices(self) -> tuple[tuple[str, ...], ...]:
        """Every condition as a choice of terms, the viewer's first."""
        return self.choices if self.seen is None else (self.seen.choice, *self.choices)

    @property
    def impossible(self) -> bool:
        return any(not choice for choice in self.all_choices)


NO_CONDITIONS = Conditions()


def conditions(
    grants: Grants, *, body_ids: Collection[int] | None = None, year: int | None = None
) -> Conditions:
    """The conditions of a search by a viewer with ``grants``, within these bodies and year."""
    found = Conditions(seen=allowed(grants))
    if body_ids is not None:
        found = found.also([f"m{body}" for body in sorted(body_ids)])
    if year is not None:
        found = found.also([f"y{year}"])
    return found


def kind(code: str) -> str:
    return f"k{code}"
