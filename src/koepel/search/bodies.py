"""The body filter of a search, as search is handed it.

Entries belong to bodies (``SearchEntry.bodies``), and a filter on one body includes the
bodies within it: a pillar's records include its theme groups'. The bodies and their tree are
the registry's, which search does not import: the registry hands them over in its ``ready()``
with ``use()``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class BodyTree:
    # Every body, in the order the filter lists them (before the access check).
    choices: Callable[[], QuerySet[Any]]
    # The field that names a body in a query string (``?gremium=<key>``).
    key: str
    # The ids of a body and of every body within it.
    within: Callable[[Any], Collection[int]]


_tree: BodyTree | None = None


def use(
    *,
    choices: Callable[[], QuerySet[Any]],
    key: str,
    within: Callable[[Any], Collection[int]],
) -> None:
    """Hand search the bodies to filter by (from the registry's ``ready()``)."""
    global _tree
    _tree = BodyTree(choices=choices, key=key, within=within)


def current() -> BodyTree:
    if _tree is None:
        raise ImproperlyConfigured(
            "Search has no bodies to filter by: hand them over with "
            "koepel.search.bodies.use() in the registry's ready()."
        )
    return _tree


def within(body: Model) -> list[int]:
    """The ids of ``body`` and the bodies within it, in order."""
    return sorted(current().within(body))
