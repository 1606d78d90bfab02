"""Optimistic locking: a save names the version its edit started from, and is refused when
someone else saved the record since.

Every service that changes an edited record calls :func:`save_versioned`. The check is one
``UPDATE … SET version = version + 1 WHERE pk = … AND version = expected``: of two writers who
started from the same version, exactly one moves the row on, whatever the timing, and the
other gets :class:`~koepel.core.errors.EditConflict`. The record itself is then saved with a
normal ``save()``, so validation, the audit trail and the search index see an ordinary save.

``expected_version=None`` means "no check": the save goes through and the version still moves
on. Faces that cannot know a version (the demo loader, an import) pass None; the pages, the
admin and the API always pass the version the user started from (the API takes it from the
``If-Match`` header).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.db.models import F

from koepel.core.errors import EditConflict


def current_version(model: type[models.Model], pk: Any, field: str = "version") -> int:
    """The version the stored row has now (0 when it is gone)."""
    value = model._default_manager.filter(pk=pk).values_list(field, flat=True).first()
    return int(value or 0)


def claim_version(
    instance: models.Model, expected_version: int | None, *, field: str = "version"
) -> int:
    """Move the stored row's version on by one if it still is ``expected_version``; raise
    EditConflict if not. Returns the new version, also set on ``instance``. Must run inside the
    caller's transaction, so a later failure undoes the claim."""
    model = type(instance)
    rows = model._default_manager.filter(pk=instance.pk)
    if expected_version is not None:
        rows = rows.filter(**{field: expected_version})
    if not rows.update(**{field: F(field) + 1}):
        raise EditConflict(current_version(model, instance.pk, field))
    new = current_version(model, instance.pk, field)
    setattr(instance, field, new)
    return new


def save_versioned(
    instance: models.Model,
    *,
    expected_version: int | None,
    field: str = "version",
    update_fields: Iterable[str] | None = None,
) -> None:
    """Save ``instance`` (already validated) under optimistic locking.

    A new record is simply created at version 1. An existing one is saved only if its stored
    version is still ``expected_version`` (None: no check). ``update_fields`` limits the save to
    those fields (the version field is added), so a part of a record edited on its own, such as
    a meeting's minutes, does not overwrite the rest.
    """
    if instance._state.adding:
        instance.save()
        return
    with transaction.atomic():
        claim_version(instance, expected_version, field=field)
        if update_fields is None:
            instance.save()
        else:
            instance.save(update_fields=[*update_fields, field])
