"""The kinds of record the search box finds, as the apps declare them.

Search names no other app: each app registers its own kinds in its ``AppConfig.ready()``::

    search.register(SearchKind(model=Meeting, code="bijeenkomst", label=_("Meetings"),
                               to_entry=meeting_entry, queryset=meetings_to_index))

and everything that lists kinds — the page's filter, the check of what is written, the counts
per kind, the API's choices — reads them from here, in the order they were registered.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import Promise

from koepel.search.entry import Entry

# What SearchEntry.kind holds: short, lower case, and safe in a URL's query.
_CODE = re.compile(r"[a-z][a-z0-9_-]{0,19}")


@dataclass(frozen=True)
class SearchKind:
    """One kind of record in the index.

    - ``model``: whose records these are; each model has one kind.
    - ``code``: what the index stores and the page's filter and the API send (``soort``).
    - ``label``: the kind's name in the filter, plural and translatable (``_("Meetings")``).
    - ``to_entry``: the record as the search box finds it, or None for one that must not be
      found. It need not say the kind: the index fills it in.
    - ``queryset``: the records as ``to_entry`` reads them (default: all), for one record
      after a save and for all in a rebuild alike: whatever ``to_entry`` reads beyond the
      record's own row belongs in it (``index.prefetch``, annotations), so that a rebuild
      asks the database nothing per record.
    """

    model: type[Model]
    code: str
    label: str | Promise
    to_entry: Callable[[Any], Entry | None]
    queryset: Callable[[], QuerySet[Any]] | None = None

    @property
    def name(self) -> str:
        """What one record of this kind is called (the model's own name): a hit's tag."""
        return str(self.model._meta.verbose_name)

    def records(self) -> QuerySet[Any]:
        if self.queryset is not None:
            return self.queryset()
        return self.model._default_manager.all()


_by_model: dict[type[Model], SearchKind] = {}
_by_code: dict[str, SearchKind] = {}
_by_label: dict[str, SearchKind] = {}  # by the model's label, as entry keys start
_codes: tuple[str, ...] = ()


def register(kind: SearchKind) -> None:
    """Put ``kind.model``'s records in the index, as ``kind``. Call it from ``ready()``."""
    global _codes
    if not _CODE.fullmatch(kind.code):
        raise ValueError(f"A kind's code is 1-20 lower-case letters and digits: {kind.code!r}.")
    model = kind.model._meta.concrete_model or kind.model
    taken = _by_code.get(kind.code)
    if taken is not None and taken.model is not model:
        raise ValueError(f"{taken.model._meta.label} is registered as {kind.code!r} already.")
    earlier = _by_model.get(model)
    if earlier is not None and earlier.code != kind.code:
        del _by_code[earlier.code]
    _by_model[model] = _by_code[kind.code] = _by_label[model._meta.label_lower] = kind
    _codes = tuple(_by_code)


def unregister(model: type[Model]) -> None:
    """Take ``model``'s kind out again (its entries stay until a rebuild or a delete)."""
    global _codes
    kind = _by_model.pop(model._meta.concrete_model or model, None)
    if kind is not None:
        del _by_code[kind.code]
        del _by_label[kind.model._meta.label_lower]
        _codes = tuple(_by_code)


def registered() -> list[SearchKind]:
    """Every kind, in the order registered."""
    return list(_by_code.values())


def codes() -> tuple[str, ...]:
    """The codes of every kind, in the order registered."""
    return _codes


def get(code: str) -> SearchKind | None:
    """The kind with this code, if any."""
    return _by_code.get(code)


def for_model(model: type[Model]) -> SearchKind | None:
    """The kind of ``model``'s records, or None when they are not indexed."""
    return _by_model.get(model._meta.concrete_model or model)


def for_key(key: str) -> SearchKind | None:
    """The kind of the record an entry's key (``app_label.model:pk``) names, if indexed."""
    return _by_label.get(key.rpartition(":")[0])
