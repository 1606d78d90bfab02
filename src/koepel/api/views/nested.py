"""Resources that live under a record of another (``/lobbydossiers/{slug}/uitkomsten``): the
parent is found through the visibility check first, so a hidden parent hides its children."""

from __future__ import annotations

from typing import Any

from django.db import models
from drf_spectacular.utils import OpenApiParameter
from rest_framework import exceptions

from koepel.accounts.access import visible
from koepel.api.views.base import Resource


class NestedResource(Resource):
    """A resource whose records belong to one parent record the user may see."""

    # The URL keyword of the parent's key, and the field of the parent it matches.
    parent_kwarg: str = ""
    parent_field: str = "pk"

    def parent_records(self) -> models.QuerySet[Any]:
        """The parent's records before the visibility check (which ``parent()`` applies)."""
        raise NotImplementedError

    def parent(self) -> Any:
        cached = getattr(self, "_parent", None)
        if cached is not None:
            return cached
        value = self.kwargs.get(self.parent_kwarg)
        if self.parent_field == "pk" and not str(value).isdigit():
            raise exceptions.NotFound()
        found = (
            visible(self.parent_records(), self.request.user)
            .filter(**{self.parent_field: value})
            .first()
        )
        if found is None:
            raise exceptions.NotFound()
        self._parent = found
        return found

    def locked_parent(self) -> Any:
        """The parent, locked for the rest of the transaction, when the user may change it."""
        parent = self.parent()
        model = type(parent)
        # Without its ordering, which could join a nullable relation PostgreSQL cannot lock.
        rows = model._default_manager.select_for_update().filter(pk=parent.pk).order_by()
        list(rows.values_list("pk"))
        parent.refresh_from_db()
        if not self.may_change(parent):
            raise exceptions.PermissionDenied()
        return parent


def parent_parameter(name: str, kind: type, description: str) -> OpenApiParameter:
    """The parent's key in the path, described for the schema."""
    return OpenApiParameter(name, kind, OpenApiParameter.PATH, description=description)
