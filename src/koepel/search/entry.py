"""What an app puts in the search index for one record (re-exported by ``index``)."""

from __future__ import annotations

from dataclasses import dataclass

from koepel.core.visibility import Visibility

_VISIBILITIES = frozenset(Visibility.values)


@dataclass(frozen=True)
class Entry:
    """One record as the search box finds it."""

    title: str
    text: str
    url: str
    # The code of a registered kind (``kinds``). Left empty, it is the kind registered for the
    # model the entry's key names, which is how every app's ``to_entry`` leaves it.
    kind: str = ""
    visibility: str = Visibility.PUBLIC
    bodies: tuple[int, ...] = ()  # Body pks the record belongs to (for "body" visibility)
    people: tuple[int, ...] = ()  # Person pks named on it (for "restricted")
    guests: tuple[int, ...] = ()  # Person pks who see it at every level (a meeting's invitees)
    trail: str = ""  # where it sits: "Jaarverslag 2021 › Pijler Fysiek › Thema Woningmarkt"
    year: int | None = None

    def check(self) -> None:
        if self.visibility not in _VISIBILITIES:
            raise ValueError(f"Unknown visibility: {self.visibility!r}.")
