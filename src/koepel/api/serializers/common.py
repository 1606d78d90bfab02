"""Pieces the resources' serializers share."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from koepel.core.validators import no_line_breaks
from koepel.registry.models import Vocabulary, terms


class VisibleSlugField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """A reference by slug (or another key) to a record the requesting user may see.

    ``records`` gives the records the user may see; a reference to any other is answered as
    if it did not exist, so the answer does not tell that it does.
    """

    def __init__(self, records: Callable[[Any], QuerySet[Any]], **kwargs: Any) -> None:
        self.records = records
        kwargs.setdefault("slug_field", "slug")
        if not kwargs.get("read_only"):
            # What the schema describes; each request gets its own in get_queryset.
            kwargs["queryset"] = records(None)
        super().__init__(**kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        request = self.context.get("request")
        return self.records(getattr(request, "user", None))

    def to_internal_value(self, data: Any) -> Any:
        # A key with a NUL byte names nothing; PostgreSQL would refuse even to look it up.
        if isinstance(data, str) and "\x00" in data:
            self.fail("does_not_exist", slug_name=self.slug_field, value=data.replace("\x00", ""))
        return super().to_internal_value(data)

    def to_representation(self, obj: Any) -> Any:
        return getattr(obj, self.slug_field)


class SingleLineField(serializers.CharField):
    """Text of one line: a title, a name, a subject. A line break is refused (400) and the
    document says so with a pattern."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["validators"] = [*kwargs.get("validators", ()), no_line_breaks]
        super().__init__(**kwargs)


def choice_field(choices: Any, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=choices, **kwargs)


class TermField(serializers.CharField):
    """A code of one of the network's vocabularies (its kinds of body and meeting, its
    functions). The codes are data of the network, so the schema names no list; a code the
    network does not have is refused (400) with the codes it does have."""

    def __init__(self, vocabulary: str, **kwargs: Any) -> None:
        self.vocabulary = vocabulary
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", "Een code uit de eigen woordenlijst van het netwerk.")
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> str:
        code = super().to_internal_value(data)
        known = [term.code for term in terms(self.vocabulary)]
        if code not in known:
            raise serializers.ValidationError(
                f"“{code}” staat niet in de lijst “{Vocabulary(self.vocabulary).label}” van "
                f"het netwerk. Kies uit: {', '.join(known) or '(nog geen)'}."
            )
        return code


READ_ONLY = _("This field cannot be written.")
UNKNOWN = _("Unknown field.")
# What a client that sends the version it read in the body is told instead.
VERSION_IN_BODY = _("Unknown field. Send the ETag you last read in an If-Match header.")


class StrictInput(serializers.Serializer):  # type: ignore[type-arg]
    """Input that is taken whole or refused: a field the record shows but nobody writes, or a
    field the resource does not have, is a 400 naming it, together with every other wrong
    field. Nothing a client sends is dropped unseen."""

    def refused_fields(self, data: Any) -> dict[str, list[serializers.ErrorDetail]]:
        if not isinstance(data, Mapping):
            return {}  # the serializer itself says the input is not an object
        # Where a resource reads input with a serializer of its own, the fields its records
        # show are read-only as well.
        shown = self.context.get("shown_fields", ())
        refused: dict[str, list[serializers.ErrorDetail]] = {}
        for name in data:
            field = self.fields.get(name)
            if field is not None and not field.read_only:
                continue
            if field is not None or name in shown:
                refused[name] = [serializers.ErrorDetail(str(READ_ONLY), code="read_only")]
            elif name in {"version", "versie"}:
                refused[name] = [serializers.ErrorDetail(str(VERSION_IN_BODY), code="unknown")]
            else:
                refused[name] = [serializers.ErrorDetail(str(UNKNOWN), code="unknown")]
        return refused

    def to_internal_value(self, data: Any) -> Any:
        refused = self.refused_fields(data)
        try:
            value = super().to_internal_value(data)
        except serializers.ValidationError as error:
            if refused and isinstance(error.detail, dict):
                raise serializers.ValidationError({**error.detail, **refused}) from error
            raise
        if refused:
            raise serializers.ValidationError(refused)
        return value


_STRICT: dict[type[Any], type[Any]] = {}


def strict(cls: type[serializers.BaseSerializer[Any]]) -> type[serializers.BaseSerializer[Any]]:
    """The serializer ``cls`` reading input strictly (``StrictInput``), made once per class."""
    if issubclass(cls, StrictInput) or not issubclass(cls, serializers.Serializer):
        return cls
    if cls not in _STRICT:
        _STRICT[cls] = type(cls.__name__, (StrictInput, cls), {"__module__": cls.__module__})
    return _STRICT[cls]
