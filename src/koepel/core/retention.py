"""How long Koepel keeps personal data, and the steps that remove it (docs/security.md).

``koepel anonymise-expired`` works out whose time is up and then asks every app what it holds
about them. An app takes part with a ``retention`` module that holds ``STEPS``: functions that
take an ``Expiry`` and ``dry_run`` and return an ``Outcome`` — what they removed or, in a dry run,
would remove. They run in the order of INSTALLED_APPS, inside one transaction.

Two kinds of steps fit: those about people (``Expiry.people``: contact details, accounts,
calendar addresses) and those about logs (``Expiry.before``: an app that logs sign-in attempts
or changes strips the IP addresses and names from entries older than that moment).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps


@dataclass(frozen=True)
class Expiry:
    """What has passed the retention period."""

    people: frozenset[int]  # people whose last role ended longer ago than the period
    before: dt.datetime  # log entries from before this moment lose their personal data


@dataclass(frozen=True)
class Outcome:
    """What one step removed (or would remove): ``count`` of ``what`` (Dutch, plural)."""

    what: str
    count: int


Step = Callable[[Expiry, bool], Outcome]


def steps() -> list[Step]:
    """Every app's retention steps, in the order of INSTALLED_APPS."""
    found: list[Step] = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.retention"
        if config.name.startswith("koepel.") and find_spec(module_name):
            found.extend(getattr(import_module(module_name), "STEPS", []))
    return found
