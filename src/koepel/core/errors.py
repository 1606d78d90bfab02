"""Errors the services raise that every face (pages, admin, API) turns into a clear message."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import ProtectedError, RestrictedError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class EditConflict(Exception):
    """Someone else saved the record since this edit began (optimistic locking).

    The first writer's change stays; the second is told and gets their own text back.
    """

    message = _(
        "Someone else has just changed this. Your text is below; look at the new version "
        "and save again."
    )

    def __init__(self, current_version: int) -> None:
        super().__init__(str(self.message))
        self.current_version = current_version


@dataclass(frozen=True)
class Reference:
    """A record that refers to one being deleted: its kind ("rol") and its name."""

    kind: str
    name: str


class StillReferenced(Exception):
    """A record cannot be deleted while other records refer to it (a person who still has a
    role, an organisation a body belongs to). Nothing is deleted; the message names a handful
    of the records in the way and how many there are in all."""

    SHOWN = 5

    def __init__(self, record: Any, referring: Iterable[Any]) -> None:
        found = sorted(
            (Reference(str(obj._meta.verbose_name), str(obj)) for obj in referring),
            key=lambda ref: (ref.kind, ref.name.casefold()),
        )
        self.record = record
        self.count = len(found)
        self.references = found[: self.SHOWN]
        super().__init__(self.message)

    @classmethod
    def from_error(cls, record: Any, error: ProtectedError | RestrictedError) -> StillReferenced:
        referring = (
            error.protected_objects
            if isinstance(error, ProtectedError)
            else error.restricted_objects
        )
        return cls(record, referring)

    @property
    def message(self) -> str:
        items = [f"{ref.kind} “{ref.name}”" for ref in self.references]
        more = self.count - len(self.references)
        if more:
            items.append(ngettext("%(more)d other", "%(more)d others", more) % {"more": more})
        named = items[0] if items else ""
        if len(items) > 1:
            named = _("%(items)s and %(last)s") % {
                "items": ", ".join(items[:-1]),
                "last": items[-1],
            }
        return ngettext(
            "“%(record)s” cannot be deleted: %(count)d record still refers to it (%(named)s). "
            "Change or delete that first.",
            "“%(record)s” cannot be deleted: %(count)d records still refer to it (%(named)s). "
            "Change or delete those first.",
            self.count,
        ) % {"record": self.record, "count": self.count, "named": named}
