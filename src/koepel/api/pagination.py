"""Pages of a list, in two ways a client chooses between.

- By number (since 1.0): ``?pagina=2&paginaGrootte=50``, with ``aantal``, the number in the
  whole list, and links to the neighbouring pages. Unchanged for the clients of 1.0.
- By cursor (since 1.1): ``?cursor=`` (empty) asks for the first page; ``volgende`` and
  ``vorige`` carry the cursor of the next and previous page. A cursor marks a place in the
  list's own order (its ``sorteer`` order, with the record's number last to break ties), not a
  row number: rows added or removed between two requests neither repeat nor drop out of the
  walk, and a page costs the same far into the list as at its start. ``aantal`` is left out
  unless asked for with ``?aantal=true``, so the list is not counted on every page.

A cursor is signed: it is only read back as Koepel wrote it, and a changed or made-up one is a
400 on ``cursor``. It holds the values of the ordering of the row at its place, nothing more;
each page is read through the same visibility check as the first, so walking on with a cursor
shows no row the reader may not see.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.core.exceptions import FieldDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Expression, F, Model, OrderBy, Q, QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

CURSOR_PARAMETER = "cursor"
COUNT_PARAMETER = "aantal"
_SALT = "koepel.api.cursor"
_KEY = "_cursor_key_{}"


class _CursorJSON:
    """How a cursor's values are written: JSON, dates and times in full ISO 8601."""

    def dumps(self, obj: Any) -> bytes:
        return json.dumps(obj, separators=(",", ":"), default=_plain).encode("latin-1")

    def loads(self, data: bytes) -> Any:
        return json.loads(data.decode("latin-1"))


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    raise TypeError(f"A cursor cannot hold {type(value).__name__}.")


def _bad_cursor(reason: str) -> ValidationError:
    return ValidationError({CURSOR_PARAMETER: [reason]})


@dataclass(frozen=True)
class _Key:
    """One part of a list's order: what it orders by, which way, and whether it may be empty."""

    expression: Any
    descending: bool
    nullable: bool


@dataclass(frozen=True)
class _Place:
    """Where a cursor points: after (or, walking back, before) the row with these values."""

    values: list[Any] | None  # None: the start of the list
    backward: bool = False
    offset: int = 0  # for a list that is not a query: the number of rows before the place


class Pages(PageNumberPagination):
    page_query_param = "pagina"
    page_size_query_param = "paginaGrootte"
    page_size = 20
    max_page_size = 100
    page_query_description = "Het nummer van de pagina; de eerste is 1."
    page_size_query_description = "Het aantal per pagina (standaard 20, hoogstens 100)."

    cursor_rows: list[Any] | None = None

    # -- which way ---------------------------------------------------------------------------

    def by_cursor(self, request: Request) -> bool:
        return CURSOR_PARAMETER in request.query_params

    def wants_count(self, request: Request) -> bool:
        asked = request.query_params.get(COUNT_PARAMETER)
        if asked is None:
            return False
        if asked not in ("true", "false"):
            raise ValidationError({COUNT_PARAMETER: ["Geef true of false."]})
        return asked == "true"

    def get_page_size(self, request: Request) -> int:
        """The asked page size, refused with a clear message when out of bounds rather than
        quietly changed (a client should know it got fewer rows than it asked for)."""
        asked = request.query_params.get(self.page_size_query_param)
        if asked is None:
            return self.page_size
        if not asked.isdigit() or not 1 <= int(asked) <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        f"Geef een getal van 1 tot en met {self.max_page_size}."
                    ]
                }
            )
        return int(asked)

    def paginate_queryset(
        self, queryset: Any, request: Request, view: Any = None
    ) -> list[Any] | None:
        self.cursor_rows = None
        counting = self.wants_count(request)
        if not self.by_cursor(request):
            return super().paginate_queryset(queryset, request, view)
        if self.page_query_param in request.query_params:
            raise _bad_cursor("Vraag een pagina op met cursor of met pagina, niet met beide.")
        self.request = self._request = request
        self.size = self.get_page_size(request)
        self.count = None
        place = self._read_place(request)
        if isinstance(queryset, QuerySet):
            if counting:
                self.count = queryset.count()
            rows = self._rows_of_query(queryset, place)
        else:
            if counting:
                self.count = len(queryset)
            rows = self._rows_of_sequence(queryset, place)
        self.cursor_rows = rows
        return rows

    # -- cursors -----------------------------------------------------------------------------

    def _read_place(self, request: Request) -> _Place:
        self._order_of_cursor: Any = None
        token = request.query_params.get(CURSOR_PARAMETER, "")
        if not token:
            return _Place(values=None)
        try:
            data = signing.loads(token, salt=_SALT, serializer=_CursorJSON)
        except (signing.BadSignature, ValueError, UnicodeDecodeError) as error:
            raise _bad_cursor(
                "Deze cursor is niet door Koepel gegeven of is veranderd; begin opnieuw met "
                "cursor= (leeg)."
            ) from error
        if not isinstance(data, dict) or data.get("l") != request.path:
            raise _bad_cursor("Deze cursor hoort bij een andere lijst.")
        self._order_of_cursor = data.get("s")
        return _Place(
            values=data.get("v"), backward=bool(data.get("b")), offset=int(data.get("i", 0))
        )

    def _token(self, place: _Place) -> str:
        request = self._request
        data: dict[str, Any] = {"l": request.path, "s": self._sort_key}
        if place.values is not None:
            data["v"] = place.values
        if place.backward:
            data["b"] = 1
        if place.offset:
            data["i"] = place.offset
        return signing.dumps(data, salt=_SALT, serializer=_CursorJSON, compress=True)

    def _link(self, place: _Place) -> str:
        url = remove_query_param(self._request.build_absolute_uri(), self.page_query_param)
        return replace_query_param(url, CURSOR_PARAMETER, self._token(place))

    # -- a query: rows after a place in its order ---------------------------------------------

    def _rows_of_query(self, queryset: QuerySet[Any], place: _Place) -> list[Any]:
        keys = _keys_of(queryset)
        order = "|".join(repr(k.expression) + ("-" if k.descending else "") for k in keys)
        self._sort_key = hashlib.sha256(order.encode()).hexdigest()[:12]
        fits = isinstance(place.values, list) and len(place.values) == len(keys)
        if place.values is not None and (self._order_of_cursor != self._sort_key or not fits):
            raise _bad_cursor(
                "Deze cursor hoort bij een andere volgorde (sorteer); begin opnieuw met "
                "cursor= (leeg)."
            )
        rows = queryset.annotate(
            **{_KEY.format(n): key.expression for n, key in enumerate(keys)}
        ).order_by(*_walking_order(keys, backward=place.backward))
        if place.values is not None:
            try:
                rows = rows.filter(_beyond(keys, place.values, backward=place.backward))
            except (DjangoValidationError, ValueError, TypeError) as error:
                raise _bad_cursor("Deze cursor is niet te lezen.") from error
        found = list(rows[: self.size + 1])
        more = len(found) > self.size
        found = found[: self.size]
        if place.backward:
            found.reverse()
        first = _values(found[0], keys) if found else place.values
        last = _values(found[-1], keys) if found else place.values
        started = place.values is not None
        if place.backward:
            self._next = _Place(values=last) if started else None
            self._previous = _Place(values=first, backward=True) if more else None
        else:
            self._next = _Place(values=last) if more else None
            self._previous = _Place(values=first, backward=True) if started else None
        return found

    # -- a list in memory (the years of the annual report, its sections) ---------------------

    def _rows_of_sequence(self, rows: Sequence[Any], place: _Place) -> list[Any]:
        self._sort_key = "#"
        if place.values is not None or self._order_of_cursor not in (None, "#"):
            raise _bad_cursor("Deze cursor hoort bij een andere lijst.")
        start = max(0, place.offset - self.size) if place.backward else place.offset
        end = place.offset if place.backward else place.offset + self.size
        self._next = _Place(values=None, offset=end) if end < len(rows) else None
        self._previous = _Place(values=None, offset=start, backward=True) if start > 0 else None
        return list(rows[start:end])

    # -- the answer --------------------------------------------------------------------------

    def get_paginated_response(self, data: Any) -> Response:
        if self.cursor_rows is not None:
            answer: dict[str, Any] = {}
            if self.count is not None:
                answer["aantal"] = self.count
            answer["volgende"] = self._link(self._next) if self._next else None
            answer["vorige"] = self._link(self._previous) if self._previous else None
            answer["resultaten"] = data
            return Response(answer)
        if self.page is None:  # only called after paginate_queryset found a page
            raise RuntimeError("No page to answer with.")
        return Response(
            {
                "aantal": self.page.paginator.count,
                "volgende": self.get_next_link(),
                "vorige": self.get_previous_link(),
                "resultaten": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["resultaten"],
            "properties": {
                "aantal": {
                    "type": "integer",
                    "description": (
                        "Het aantal in de hele lijst. Altijd bij pagina's op nummer; bij een "
                        "cursor alleen met aantal=true."
                    ),
                },
                "volgende": {"type": "string", "format": "uri", "nullable": True},
                "vorige": {"type": "string", "format": "uri", "nullable": True},
                "resultaten": schema,
            },
        }

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        return [
            *parameters,
            {
                "name": CURSOR_PARAMETER,
                "required": False,
                "in": "query",
                "description": (
                    "Pagina's met een cursor (sinds 1.1): leeg voor de eerste pagina, daarna "
                    "de cursor uit volgende of vorige. Niet samen met pagina."
                ),
                "schema": {"type": "string"},
            },
            {
                "name": COUNT_PARAMETER,
                "required": False,
                "in": "query",
                "description": (
                    "Met true telt een pagina met een cursor de hele lijst (aantal); "
                    "pagina's op nummer tellen altijd."
                ),
                "schema": {"type": "boolean"},
            },
        ]


# -- the order of a query, and the rows beyond a place in it ---------------------------------


def _keys_of(queryset: QuerySet[Any]) -> list[_Key]:
    """The list's order as keys, with the record's number last so that no two rows tie."""
    query = queryset.query
    model = queryset.model
    ordering: Sequence[Any] = query.order_by
    if not ordering and query.default_ordering:
        ordering = model._meta.ordering
    keys: list[_Key] = []
    for item in ordering:
        if isinstance(item, str):
            if item == "?":
                continue
            name = item.lstrip("-")
            keys.append(_Key(F(name), item.startswith("-"), _may_be_empty(model, name)))
        elif isinstance(item, OrderBy):
            inner = item.expression
            nullable = _may_be_empty(model, _name(inner)) if isinstance(inner, F) else True
            keys.append(_Key(inner, item.descending, nullable))
        elif isinstance(item, Expression | F):
            nullable = _may_be_empty(model, _name(item)) if isinstance(item, F) else True
            keys.append(_Key(item, False, nullable))
    last = keys[-1].expression if keys else None
    if not (isinstance(last, F) and _name(last) in ("pk", model._meta.pk.name)):
        keys.append(_Key(F("pk"), False, False))
    return keys


def _name(expression: F) -> str:
    return str(getattr(expression, "name", ""))


def _may_be_empty(model: type[Model], path: str) -> bool:
    """Whether a field (through its relations) may be NULL; unknown paths are taken as such."""
    current: Any = model
    for part in path.split("__"):
        if part == "pk":
            return False
        try:
            field = current._meta.get_field(part)
        except (FieldDoesNotExist, AttributeError):
            return True
        if field.null:
            return True
        if field.is_relation and field.related_model is not None:
            if field.many_to_many or field.one_to_many:
                return True
            current = field.related_model
    return False


def _walking_order(keys: list[_Key], *, backward: bool) -> list[OrderBy]:
    """The order to read rows in: the list's own, or the reverse when walking back. Empty
    values come last in the list (on SQLite and PostgreSQL alike), so first walking back."""
    order = []
    for n, key in enumerate(keys):
        name = F(_KEY.format(n))
        descending = key.descending != backward
        if key.nullable:
            nulls = {"nulls_first": True} if backward else {"nulls_last": True}
        else:
            nulls = {}
        order.append(name.desc(**nulls) if descending else name.asc(**nulls))
    return order


def _beyond(keys: list[_Key], values: list[Any], *, backward: bool) -> Q:
    """The rows that come after ``values`` in the walking order: equal on the first keys and
    further on the next one, for each key in turn."""
    either = Q(pk__in=[])
    equal = Q()
    for n, (key, value) in enumerate(zip(keys, values, strict=True)):
        name = _KEY.format(n)
        descending = key.descending != backward
        if value is None:
            # Empty values come last walking forward: nothing is beyond them on this key;
            # walking back, every filled value is.
            if backward:
                either |= equal & Q(**{f"{name}__isnull": False})
            same = Q(**{f"{name}__isnull": True})
        else:
            further = Q(**{f"{name}__{'lt' if descending else 'gt'}": value})
            if key.nullable and not backward:
                further |= Q(**{f"{name}__isnull": True})
            either |= equal & further
            same = Q(**{name: value})
        equal &= same
    first, value = keys[0], values[0]
    if not first.nullable and value is not None:
        # The same rows, said once more as a range on the first key: with it the database
        # seeks to the place in an index in the list's order instead of reading up to it.
        bound = "lte" if first.descending != backward else "gte"
        either = Q(**{f"{_KEY.format(0)}__{bound}": value}) & either
    return either


def _values(row: Any, keys: list[_Key]) -> list[Any]:
    return [getattr(row, _KEY.format(n)) for n in range(len(keys))]


class Ordering(OrderingFilter):
    """``?sorteer=naam`` or ``?sorteer=-datum`` (from high to low)."""

    ordering_description = "Sorteer op dit veld; met een - ervoor van hoog naar laag."
