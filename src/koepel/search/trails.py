"""Trails: where a hit sits, shown under its title ("Pijler Fysiek › Themagroep Woningmarkt").

A trail is shown to everyone who may see the hit, so it names only public bodies and records:
a public meeting of a confidential taskforce must not name the taskforce.
"""

from __future__ import annotations

from collections.abc import Iterable

from koepel.core.visibility import Visibility
from koepel.registry.models import Body

SEPARATOR = " › "


def body_path(body: Body) -> list[str]:
    """The public bodies from the top down to ``body`` (itself included when public)."""
    chain: list[str] = []
    current: Body | None = body
    while current is not None:
        if current.visibility == Visibility.PUBLIC:
            chain.insert(0, current.name)
        current = current.parent
    return chain


def bodies_trail(bodies: Iterable[Body]) -> str:
    """One body's public path, or the names of several public bodies."""
    bodies = list(bodies)
    if len(bodies) == 1:
        return SEPARATOR.join(body_path(bodies[0]))
    return ", ".join(sorted(b.name for b in bodies if b.visibility == Visibility.PUBLIC))
