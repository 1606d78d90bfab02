"""Lists of references on a record that the user may see only in part."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from rest_framework.relations import ManyRelatedField

from koepel.api.serializers.common import VisibleSlugField


def keep_hidden(view: Any, instance: Model, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with, in each list of references it replaces, the references the user cannot
    see kept: a list the user sent holds only what they see, and replacing the record's list
    with it must not drop a restricted body or person they never knew was there."""
    serializer = view.get_input_serializer()
    for field in serializer.fields.values():
        if not isinstance(field, ManyRelatedField) or field.source not in data:
            continue
        child = field.child_relation
        if not isinstance(child, VisibleSlugField):
            continue
        seen = child.get_queryset().values("pk")
        model = seen.model
        current = (
            type(instance)._default_manager.filter(pk=instance.pk).values(f"{field.source}__pk")
        )
        hidden = model._default_manager.filter(pk__in=current).exclude(pk__in=seen)
        data[field.source] = [*data[field.source], *hidden]
    return data


def unprefetched(instance: Model) -> Any:
    """The record as stored, without the visibility-filtered lists read for showing it: a
    service compares the lists it is given with the record's whole lists."""
    return type(instance)._default_manager.get(pk=instance.pk)
