"""What the reader may do in the registry, for the links to the office's pages: the links show
only to those the pages let in (the pages check again on the server)."""

from __future__ import annotations

from typing import Any

from django import template

from koepel.accounts.access import can_add_people_and_organisations, can_manage_registry

register = template.Library()


@register.simple_tag(takes_context=True)
def registry_rights(context: Any) -> dict[str, bool]:
    """``{% registry_rights as may %}``: ``may.manage`` (the office: change everything) and
    ``may.add`` (add people and organisations: also the secretaries)."""
    user = context.get("user")
    return {
        "manage": can_manage_registry(user),
        "add": can_add_people_and_organisations(user),
    }
