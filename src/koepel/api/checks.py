"""System checks that keep the API closed by default.

Every view under ``/api/v1`` answers through the one visibility check. A resource (a subclass
of ``api.views.base.Resource``) gets that without asking: it names its records in ``records()``
and the base class's ``get_queryset()`` passes them through ``access.visible``. These checks stop
start-up when a view could answer around it:

- ``api.E001``: a resource overrides ``get_queryset``, ``get_object`` or ``filter_queryset``'s
  base behaviour of reading through the check, or answers ``list``/``retrieve`` itself, without
  saying how its answers pass the check (``access_checked_by``).
- ``api.E002``: a view that is not a resource, and does not say how it passes the check.
- ``api.E003``: a resource serves a model without a declared access path.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.checks import CheckMessage, Error, register
from django.urls import URLPattern, URLResolver, get_resolver

# Methods through which a resource reads its records: overriding one steps around the check.
READING = ("get_queryset", "get_object", "list", "retrieve")


def api_views() -> list[type[Any]]:
    """The view classes behind every address under the API."""
    found: dict[type[Any], None] = {}
    for pattern in _patterns(get_resolver("koepel.api.urls").url_patterns):
        cls = getattr(pattern.callback, "cls", None) or getattr(
            pattern.callback, "view_class", None
        )
        if cls is not None:
            found[cls] = None
    return list(found)


def _patterns(patterns: Iterable[Any]) -> Iterator[URLPattern]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern.url_patterns)
        elif isinstance(pattern, URLPattern):
            yield pattern


def check_views(views: Iterable[type[Any]]) -> list[CheckMessage]:
    """The errors of these view classes (for the system check, and for tests)."""
    from koepel.accounts.paths import path_of
    from koepel.api.views.base import Resource

    errors: list[CheckMessage] = []
    for view in views:
        name = f"{view.__module__}.{view.__qualname__}"
        reason = getattr(view, "access_checked_by", "")
        if not issubclass(view, Resource):
            if not reason:
                errors.append(
                    Error(
                        f"{name} does not read through the visibility check.",
                        hint="Derive it from api.views.base.Resource, or set access_checked_by "
                        "to say how its answers pass koepel.accounts.access.",
                        obj=view,
                        id="api.E002",
                    )
                )
            continue
        overridden = [
            method
            for method in READING
            if inspect.unwrap(getattr(view, method))
            is not inspect.unwrap(getattr(Resource, method))
        ]
        if overridden and not reason:
            errors.append(
                Error(
                    f"{name} overrides {', '.join(overridden)} and so reads around the "
                    "visibility check.",
                    hint="Narrow records() instead, or set access_checked_by to say how its "
                    "answers pass koepel.accounts.access.",
                    obj=view,
                    id="api.E001",
                )
            )
        try:
            path_of(view.served_model())
        except LookupError as error:
            errors.append(Error(f"{name}: {error}", obj=view, id="api.E003"))
    return errors


@register("koepel")
def api_reads_through_the_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    return check_views(api_views())
