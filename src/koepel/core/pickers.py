"""Pickers: a person, organisation, body, dossier or document chosen by typing its name.

A form field that picks records (``koepel.core.forms.PickerField``) never lists every record
in the page: the user types a name, the server finds it. A search-as-you-type script asks the
picker's answer (``/kiezer/<kind>/?q=…``, ``koepel.core.views.picker``) for the first matches
as the user types; without the script, the form resolves the typed name when it is sent.

Each app registers the kinds it owns in its ``ready()`` (``register``), with the function that
gives the records a user may see: the app's selector, through the one visibility check. This
module imports no other app (core is the bottom layer): it knows a kind only by what was
registered. The answer and the field find records the same way (``matching``), as the user of
the request being handled may see them (``current_user``, set by ``PickerUserMiddleware``; the
public outside a request).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.db import connection, models
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise

# How many records the answer gives, and how many candidates a typed name may have before the
# form asks for more letters instead of listing them.
ANSWER_LIMIT = 20
CHOICE_LIMIT = 10
# A typed name is cut here: no name is longer, and the query stays cheap.
MAX_TEXT = 100
MAX_WORDS = 5


@dataclass(frozen=True)
class PickerKind:
    """One kind of record that can be picked.

    ``path`` is its address under ``/kiezer/``; ``records(user)`` the records the user may
    see (an app's selector through ``accounts.access``); ``name_field`` the column typed
    names are matched against and ``order`` the order of matches; ``detail`` an optional
    second line that tells two records of one name apart (a person's function and city), with
    the relations it reads in ``related``.
    """

    name: str
    path: str
    model: type[models.Model]
    records: Callable[[Any], models.QuerySet[Any]]
    # What the check knows of a user (accounts.access.viewer_for): equal for users the check
    # treats alike, so the answer's statement is made once per viewer (``_statement``).
    viewer: Callable[[Any], Hashable]
    noun: str | Promise
    name_field: str = "name"
    order: tuple[str, ...] = ("name", "pk")
    # The columns (lookups) whose values ``detail`` joins into the telling second line.
    detail_columns: tuple[str, ...] = ()
    detail: Callable[..., str] | None = None

    @property
    def related(self) -> tuple[str, ...]:
        return tuple({c.rsplit("__", 1)[0]: None for c in self.detail_columns if "__" in c}.keys())

    def label(self, record: Any) -> str:
        return str(getattr(record, self.name_field))

    def describe(self, record: Any) -> str:
        """The second line of a record (read with ``related``)."""
        if self.detail is None:
            return ""
        return self.detail(*(_value(record, column) for column in self.detail_columns))


def _value(record: Any, lookup: str) -> Any:
    for step in lookup.split("__"):
        if record is None:
            return None
        record = getattr(record, step)
    return record


_KINDS: dict[str, PickerKind] = {}


def register(kind: PickerKind) -> None:
    """Make a kind pickable (from the ``ready()`` of the app that owns its model)."""
    _KINDS[kind.name] = kind


def kind_named(name: str) -> PickerKind:
    try:
        return _KINDS[name]
    except KeyError:
        raise LookupError(f"No picker kind {name!r}; register it in its app's ready().") from None


def kind_at(path: str) -> PickerKind | None:
    return next((kind for kind in _KINDS.values() if kind.path == path), None)


def kinds() -> list[PickerKind]:
    return list(_KINDS.values())


# -- who is asking ---------------------------------------------------------------------------

_user: contextvars.ContextVar[Any] = contextvars.ContextVar("koepel_picker_user", default=None)


def current_user() -> Any:
    """The user of the request being handled (None, seen as the public, outside a request)."""
    return _user.get()


class PickerUserMiddleware:
    """Lets a picker field resolve typed names as the request's user may see them, without
    every form being handed the user (a picker is one line in a form)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _user.set(getattr(request, "user", None))
        try:
            return self.get_response(request)
        finally:
            _user.reset(token)


# -- finding records -------------------------------------------------------------------------


def words_of(text: str) -> list[str]:
    """The words typed, without control characters: no name holds one, and PostgreSQL refuses
    a NUL in a query's text."""
    typed = "".join(c for c in text[:MAX_TEXT] if c.isprintable() or c.isspace())
    return typed.split()[:MAX_WORDS]


def matching(kind: PickerKind, user: Any, text: str) -> models.QuerySet[Any]:
    """The records the user may see whose name holds every word typed, in the kind's order.

    Each word is a case-insensitive part of the name (``LIKE``/``UPPER … LIKE``): "vries"
    finds "Jan de Vries", "jan vr" finds him too. Accents are not folded: "Rene" does not find
    "René" (that would need a folded copy of every name kept beside it).
    """
    named = kind.model._default_manager.all()
    for word in words_of(text):
        named = named.filter(**{f"{kind.name_field}__icontains": word})
    # The name first: SQLite tests the conditions in the order written, and the name is the
    # cheap one, which most records fail; the check's subqueries run for those that pass.
    records = named & kind.records(user)
    if kind.related:
        records = records.select_related(*kind.related)
    return records.order_by(*kind.order)


def answer(kind: PickerKind, user: Any, text: str) -> list[dict[str, Any]]:
    """What the picker's answer gives for ``text``: at most ANSWER_LIMIT records, each with
    its key, name and telling detail, as ``matching`` finds them.

    The statement is put together through the ORM once per kind, viewer and number of words
    (``_statement``) and run with the words typed as its parameters: at one statement of
    about a millisecond, making it anew for every key pressed cost many times the query
    itself (``bench/picker.py``)."""
    words = words_of(text)
    if len(" ".join(words)) < 2:
        return []
    sql, params, places = _statement(kind, kind.viewer(user), len(words), connection.vendor)
    filled = list(params)
    for place, word in zip(places, words, strict=True):
        filled[place] = f"%{connection.ops.prep_for_like_query(word)}%"
    with connection.cursor() as cursor:
        cursor.execute(sql, filled)
        rows = cursor.fetchall()
    return [
        {
            "id": key,
            "name": name,
            "detail": kind.detail(*details) if kind.detail else "",
        }
        for key, name, *details in rows
    ]


def _stand_in(number: int) -> str:
    return f"pickerstandin{number}"


@lru_cache(maxsize=512)
def _statement(
    kind: PickerKind, viewer: Hashable, count: int, vendor: str
) -> tuple[str, tuple[Any, ...], tuple[int, ...]]:
    """The answer's statement for ``count`` stand-in words as ``viewer`` may see, its
    parameters, and the places of the words among them. The viewer is read afresh for each
    answer and is part of the key, so a change of roles makes a new statement."""
    records = matching(kind, viewer, " ".join(_stand_in(n) for n in range(count)))
    columns = ("pk", kind.name_field, *kind.detail_columns)
    sql, params = records.values_list(*columns)[:ANSWER_LIMIT].query.sql_with_params()
    wanted = [f"%{connection.ops.prep_for_like_query(_stand_in(n))}%" for n in range(count)]
    places = tuple(params.index(word) for word in wanted)
    if sum(param in wanted for param in params) != count:
        raise RuntimeError(f"The typed words are not where the answer expects them: {params}.")
    return sql, tuple(params), places


def resolve(kind: PickerKind, user: Any, text: str) -> list[Any]:
    """The records a name typed in a form may mean: those whose name is exactly the text
    (ignoring case) when there are any, else those that hold every word; at most
    CHOICE_LIMIT + 1, so that "too many" can be told from "these"."""
    found = list(matching(kind, user, text)[: CHOICE_LIMIT + 1])
    exact = [r for r in found if kind.label(r).casefold() == " ".join(text.split()).casefold()]
    return exact or found


def chosen(kind: PickerKind, user: Any, keys: Iterable[Any]) -> list[Any]:
    """The records the user may see among ``keys`` (sent by the form: anything at all), in
    the order given; keys that are not numbers, or not seen, are dropped."""
    numbers: list[int] = []
    for key in keys:
        try:
            number = int(str(key))
        except (TypeError, ValueError):
            continue
        if number > 0 and number not in numbers:
            numbers.append(number)
    if not numbers:
        return []
    records = kind.records(user).filter(pk__in=numbers)
    if kind.related:
        records = records.select_related(*kind.related)
    by_key = {record.pk: record for record in records}
    return [by_key[number] for number in numbers if number in by_key]


def fits(kind: PickerKind, record: Any, text: str) -> bool:
    """Whether ``text`` still names ``record``: each word typed is part of its name."""
    name = kind.label(record).casefold()
    return all(word.casefold() in name for word in words_of(text))


def unseen(kind: PickerKind, user: Any, keys: Iterable[int]) -> list[Any]:
    """The records among ``keys`` that the user may not see (already on a record they edit)."""
    keys = list(keys)
    if not keys:
        return []
    hidden = kind.model._default_manager.filter(pk__in=keys)
    return list(hidden.exclude(pk__in=kind.records(user).values("pk")))
