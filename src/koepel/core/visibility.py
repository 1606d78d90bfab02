"""The visibility levels every restricted-able record carries (docs/design.md, "Visibility").

Which user may see which level is decided in one place: ``koepel.accounts.access``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    NETWORK = "network", _("network")
    BODY = "body", _("members of its bodies")
    RESTRICTED = "restricted", _("restricted")


def visibility_field(default: str = Visibility.PUBLIC) -> models.CharField[str, str]:
    return models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=default,
        db_index=True,
    )


@dataclass(frozen=True)
class Grants:
    """What a viewer may see of the records that carry their own visibility, bodies and named
    people: ``koepel.accounts.access.grants`` says it for a viewer, and both the database
    filter of those records and the search index's access terms are read from it, so the two
    cannot part.

    A record is seen when ``everything`` holds, or its level is in ``levels``, or it is at
    the level ``body`` with one of its bodies in ``body_level_bodies``, or it has one of its
    bodies in ``any_level_bodies`` (whoever may edit a body's records sees them, drafts
    included), or it is restricted and names ``named_person``, or it is a meeting (or its
    entry) to which ``named_person`` is invited, at any level."""

    everything: bool = False
    levels: frozenset[str] = frozenset()
    body_level_bodies: frozenset[int] = frozenset()
    any_level_bodies: frozenset[int] = frozenset()
    named_person: int | None = None
