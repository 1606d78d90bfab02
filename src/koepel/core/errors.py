"""Errors the services raise that every face (pages, admin, API) turns into a clear message."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _


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
