"""Reading and writing the audit trail: action codes, the command context, the office's reads.

Each entry has a stable action code ``<app>.<record>.<verb>``, for example
``registry.person.update``, ``meetings.meeting.create`` or ``advocacy.dossier.delete``. The
verbs are ``create``, ``update`` and ``delete``; a change of a many-to-many relation (the
bodies of a meeting, the addressees of a letter) is an ``update`` of the record that holds it.
``docs/trust.md`` lists the records.

Who made a change is the entry's actor: the signed-in account of a page, the owner of the API
token that was used, or nobody for a command. The entry's additional data says how it came:
``{"command": "<name>"}`` for a command, ``{"api_token": {"id": …, "name": …}}`` for the API.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from auditlog.context import set_extra_data
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models

# The key of the additional data that names the API token a change was made with.
THROUGH_API = "api_token"

VERBS = {
    LogEntry.Action.CREATE: "create",
    LogEntry.Action.UPDATE: "update",
    LogEntry.Action.DELETE: "delete",
    LogEntry.Action.ACCESS: "access",
}


def action_code(entry: LogEntry) -> str:
    """The stable code of what an entry records, such as ``registry.person.update``."""
    content_type = entry.content_type
    return f"{content_type.app_label}.{content_type.model}.{VERBS[entry.action]}"


@contextlib.contextmanager
def command(name: str) -> Iterator[None]:
    """Mark every change made inside as made by the command ``name`` (no request, no IP)."""
    with set_extra_data(context_data={"actor": None, "additional_data": {"command": name}}):
        yield


@dataclass(frozen=True)
class Change:
    field: str
    before: str
    after: str


def changes(entry: LogEntry) -> list[Change]:
    """What an entry changed, field by field, with the field's name as the interface shows
    it. A change of a relation lists what was added or removed."""
    shown: list[Change] = []
    raw = entry.changes or {}
    model = entry.content_type.model_class()
    for name, value in raw.items():
        label = _label(model, name)
        if isinstance(value, dict) and value.get("type") == "m2m":
            objects = ", ".join(str(item) for item in value.get("objects", []))
            if value.get("operation") == "delete":
                shown.append(Change(label, objects, ""))
            else:
                shown.append(Change(label, "", objects))
        elif isinstance(value, list | tuple) and len(value) == 2:
            choices = _choices(model, name)
            before, after = (_text(choices.get(str(v), v)) for v in value)
            shown.append(Change(label, before, after))
    return shown


def _label(model: type[models.Model] | None, name: str) -> str:
    if model is None:
        return name
    try:
        field = model._meta.get_field(name)
    except Exception:  # a field removed since the entry was written
        return name
    return str(getattr(field, "verbose_name", name))


def _choices(model: type[models.Model] | None, name: str) -> dict[str, Any]:
    try:
        field = model._meta.get_field(name) if model else None
    except Exception:
        return {}
    return {str(key): label for key, label in getattr(field, "choices", None) or []}


def _text(value: Any) -> str:
    return "" if value in (None, "None") else str(value)


def _data(entry: LogEntry) -> dict[str, Any]:
    return entry.additional_data if isinstance(entry.additional_data, dict) else {}


def where(entry: LogEntry) -> str:
    """Where a change came from: the address of the request, or the command."""
    data = _data(entry)
    if data.get("command"):
        return f"koepel {data['command']}"
    return entry.remote_addr or ""


@dataclass(frozen=True)
class Token:
    """The API token a change was made with, as the trail keeps it (never its secret)."""

    id: int
    name: str


def token(entry: LogEntry) -> Token | None:
    """The API token a change was made with, or None for a page or a command."""
    found = _data(entry).get(THROUGH_API)
    if not isinstance(found, dict) or not isinstance(found.get("id"), int):
        return None
    return Token(id=found["id"], name=str(found.get("name", "")))


def for_record(model: type[models.Model], pk: str) -> Any:
    """A record's trail, the latest first. Read only through an office check."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    return (
        LogEntry.objects.filter(content_type=content_type, object_pk=str(pk))
        .select_related("actor", "actor__person", "content_type")
        .order_by("-timestamp", "-pk")
    )


def by_actor(user_id: int) -> Any:
    """Everything one account changed, the latest first. Read only through an office check."""
    return (
        LogEntry.objects.filter(actor_id=user_id)
        .select_related("actor", "actor__person", "content_type")
        .order_by("-timestamp", "-pk")
    )
