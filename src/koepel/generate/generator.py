"""Fill an empty database with a generated network of a given scale, the same for the same seed.

The records are written in bulk (a million sections through one service call each would take
hours), and so they skip the services: every value is chosen so that ``full_clean()`` holds,
which the tests check record by record at a small scale. The search index is filled at the
end through its public ``rebuild()``, from the apps' own ``search_index`` modules, exactly as
``koepel reindex`` fills it.

This module runs the parts in their order, all drawing on one random source: the registry
(``registry.py``), the dossiers and then year by year the meetings and the lobby
(``meetings.py``, ``lobby.py``, both with their documents from ``library.py``), and last the
accounts and the search index. ``bulk.py`` holds what they share.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from koepel.accounts.models import User
from koepel.core import caching
from koepel.generate.bulk import Result, Run
from koepel.generate.lobby import make_dossiers, make_lobby
from koepel.generate.meetings import make_meetings
from koepel.generate.registry import make_registry
from koepel.generate.sizes import sizes_for
from koepel.registry.models import Body, Municipality, Network
from koepel.search import index

__all__ = ["ACCOUNTS", "Result", "database_is_empty", "generate"]

# The accounts the generator makes: the office, a member of two theme groups, a secretary.
ACCOUNTS = ("bureau", "lid", "secretaris")


def database_is_empty() -> bool:
    return not (Network.objects.exists() or Municipality.objects.exists() or Body.objects.exists())


def generate(
    *,
    scale: float,
    seed: int = 2021,
    until_year: int = 2021,
    password: str | None = None,
    progress: Callable[[str], None] = lambda message: None,
) -> Result:
    """Generate a network of ``scale`` into an empty database; one transaction, so a failure
    leaves the database as it was."""
    if not database_is_empty():
        raise ValueError("The database already holds a network; generate into an empty one.")
    rng = random.Random(seed)  # noqa: S311  # nosec B311: made-up records, not secrets
    run = Run(sizes_for(scale), rng, until_year, password, progress)
    with transaction.atomic():
        run.timed("registry", functools.partial(make_registry, run))
        run.timed("dossiers", functools.partial(make_dossiers, run))
        for year in run.years:
            run.timed(f"year {year}", functools.partial(_year, run, year))
        run.timed("accounts", functools.partial(_accounts, run))
        run.timed("search index", functools.partial(_index, run))
        # Written in bulk, past the signals: every kind of data gets a new version.
        caching.bump("registry", "meetings", "advocacy", "library", "accounts", "search")
    run.timed("statistics", _analyse)
    return run.result


def _year(run: Run, year: int) -> None:
    make_meetings(run, year)
    make_lobby(run, year)


def _accounts(run: Run) -> None:
    # One hash for all three: hashing is slow by design, and the password is the same.
    secret = make_password(run.password) if run.password else make_password(None)
    themes = [b for b in run.own_bodies if b.kind == "theme_group"] or run.own_bodies
    # The secretary of the first theme group that has one (the second seat of a body is
    # its secretary; a body with one seat has only a chair); the member sits in a theme
    # group too.
    staffed = next((b for b in themes if len(run.members[b.pk]) > 1), themes[0])
    secretary = run.members[staffed.pk][1 if len(run.members[staffed.pk]) > 1 else 0]
    # Chairs and secretaries hold the first two seats of a body; the member holds neither,
    # and has no seat that has ended.
    officers = {person for seated in run.members.values() for person in seated[:2]}
    officers |= run.former_members
    member = next(
        person for body in themes for person in run.members[body.pk] if person not in officers
    )
    run.create(
        User,
        [
            User(username="bureau", is_office=True, is_staff=True, password=secret),
            User(username="lid", person_id=member, password=secret),
            User(username="secretaris", person_id=secretary, password=secret),
        ],
    )


def _index(run: Run) -> None:
    run.result.counts["zoekingangen"] = index.rebuild()


def _analyse() -> None:
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
