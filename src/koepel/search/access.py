"""The access check, as search is handed it.

Search sits below the app that decides who may see what (``accounts``), so it does not import
that app's check: ``accounts`` hands it over in its ``ready()`` with ``use()``. Until it has,
every search fails (``NoAccessCheck``) rather than show what nobody checked.

A search asks the check what its viewer may see (``grants``) and matches that against the
access terms each entry carries in the text index (``terms``): the same rules as ``visible``
reads for any other record, without a look-up per match.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

from koepel.core.visibility import Grants

M = TypeVar("M", bound=Model)


class NoAccessCheck(ImproperlyConfigured):
    """Search was asked for records before it was handed the access check."""


@dataclass(frozen=True, eq=False)  # compared and hashed as itself: a key of cached statements
class AccessCheck:
    # The records of a queryset that someone may see: ``visible(queryset, who)``, where
    # ``who`` is a user or what ``viewer`` made of one.
    visible: Callable[[QuerySet[Any], Any], QuerySet[Any]]
    # What the check needs to know about a user, read once per search. Hashable and equal
    # for exactly those users the check treats alike: statements are cached by it.
    viewer: Callable[[Any], Hashable]
    # What a viewer (what ``viewer`` made of a user) may see of records with their own
    # visibility, bodies and named people, such as search entries.
    grants: Callable[[Any], Grants]
    # A key for what a user may see, the same for everyone the check treats alike: a page of
    # results is kept under it for all of them (koepel.core.caching).
    key: Callable[[Any], str]


_check: AccessCheck | None = None


def use(
    *,
    visible: Callable[[QuerySet[Any], Any], QuerySet[Any]],
    viewer: Callable[[Any], Hashable],
    grants: Callable[[Any], Grants],
    key: Callable[[Any], str],
) -> None:
    """Hand search the access check (from the ``ready()`` of the app that owns it)."""
    global _check
    _check = AccessCheck(visible=visible, viewer=viewer, grants=grants, key=key)


def current() -> AccessCheck:
    """The check handed over; ``NoAccessCheck`` when there is none."""
    if _check is None:
        raise NoAccessCheck(
            "Search has no access check: the app that decides who may see what must hand it "
            "over with koepel.search.access.use() in its ready()."
        )
    return _check


def viewer(user: Any) -> Hashable:
    """Who is asking, as the access check sees them."""
    return current().viewer(user)


def visible(queryset: QuerySet[M], who: Any) -> QuerySet[M]:
    """The records of ``queryset`` that ``who`` (a user, or their ``viewer``) may see."""
    return current().visible(queryset, who)


def key(user: Any) -> str:
    """A key for what ``user`` may see, shared by everyone who may see the same."""
    return current().key(user)


def grants(user: Any) -> Grants:
    """What ``user`` may see of the index's entries, read afresh."""
    check = current()
    return check.grants(check.viewer(user))
