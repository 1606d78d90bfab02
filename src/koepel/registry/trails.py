"""Trails: where a record sits among the bodies, shown under a search hit's title
("Pijler Fysiek › Themagroep Woningmarkt").

A trail is shown to everyone who may see the hit, so it names only bodies open to all
(``access.open_to_all``): a public meeting of a confidential taskforce must not name the
taskforce.
"""

from __future__ import annotations

from collections.abc import Iterable

from koepel.accounts.access import open_to_all
from koepel.registry.models import Body

SEPARATOR = " › "


def body_path(body: Body) -> list[str]:
    """The bodies open to all from the top down to ``body`` (itself included when open)."""
    chain: list[str] = []
    current: Body | None = body
    while current is not None:
        if open_to_all(current):
            chain.insert(0, current.name)
        current = current.parent
    return chain


def bodies_trail(bodies: Iterable[Body]) -> str:
    """One body's path, or the names of several bodies open to all."""
    bodies = list(bodies)
    if len(bodies) == 1:
        return SEPARATOR.join(body_path(bodies[0]))
    return ", ".join(sorted(b.name for b in bodies if open_to_all(b)))
