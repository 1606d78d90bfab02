"""Search leaves out what a viewer may not see by the access terms each entry carries in the
text index. What it finds, and what it counts, must be exactly what the one visibility check
(``koepel.accounts.access.visible``) lets the same viewer read of the entries, for every kind
of viewer, on entries of every level, bodies and named people; and when a record's
visibility or bodies change, the terms change with it."""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from koepel.accounts.access import SYSTEM, visible
from koepel.accounts.tests.factories import UserFactory
from koepel.core.visibility import Visibility
from koepel.meetings import services as meetings
from koepel.search import bodies, index, terms
from koepel.search.models import SearchEntry
from koepel.search.query import search
from koepel.search.tests.conftest import make_person, search_page

WORD = "kwartiermaker"
VIEWERS = ["anonymous", "stranger", "outsider", "colleague", "secretary", "named", "office"]


@pytest.fixture
def matrix(network: dict[str, Any]) -> dict[str, Any]:
    """Entries at every level, in no body, one body, a body within another, another
    body, two bodies; naming a person or not; of two kinds and two years."""
    body_choices = [
        (),
        (network["pillar"].pk,),
        (network["group"].pk,),
        (network["elsewhere"].pk,),
        (network["group"].pk, network["elsewhere"].pk),
    ]
    people_choices = [(), (network["named"].pk,)]
    items = []
    for number, (level, body_ids, people) in enumerate(
        itertools.product(Visibility.values, body_choices, people_choices)
    ):
        key = f"library.section:{900_000 + number}"
        items.append(
            (
                key,
                index.Entry(
                    title=f"Proef {number}",
                    text=f"Een {WORD} voor {level} in {len(body_ids)} gremia.",
                    url=key,
                    kind="sectie" if number % 3 else "document",
                    visibility=level,
                    bodies=body_ids,
                    people=people,
                    year=2021 if number % 2 else 2022,
                ),
            )
        )
    # The document kind is registered for documents: these keys name one.
    items = [
        (key.replace("section", "document") if entry.kind == "document" else key, entry)
        for key, entry in items
    ]
    index.bulk_put(items)
    users = dict(network["users"])
    users["anonymous"] = None
    # Signed in, with a person who holds no role: not a member of the network.
    users["stranger"] = UserFactory(person=make_person("Sam Zonder", "sam"))
    return {"users": users, "count": len(items)}


def _checked(user: Any, **filters: Any) -> tuple[set[str], Counter[str]]:
    entries = visible(SearchEntry.objects.filter(text__contains=WORD, **filters), user)
    found = list(entries.distinct().values_list("url", "kind"))
    return {url for url, _ in found}, Counter(kind for _, kind in found)


@pytest.mark.parametrize("who", VIEWERS)
def test_search_finds_and_counts_exactly_what_the_visibility_check_allows(
    who: str, matrix: dict[str, Any]
) -> None:
    user = matrix["users"][who]
    allowed, per_kind = _checked(user)

    results = search(user, WORD, per_page=100)

    assert {hit.url for hit in results.hits} == allowed
    assert results.total == len(allowed)
    assert results.counts_by_kind == dict(per_kind)
    # Every viewer sees the public entries and, but the office, not all of them.
    assert len(allowed) == matrix["count"] if who == "office" else len(allowed) < matrix["count"]
    assert len(allowed) >= 10


@pytest.mark.parametrize("who", VIEWERS)
def test_the_filters_keep_to_what_the_visibility_check_allows(
    who: str, network: dict[str, Any], matrix: dict[str, Any]
) -> None:
    user = matrix["users"][who]
    within = bodies.within(network["pillar"])  # the pillar and its theme group
    allowed, per_kind = _checked(user, bodies__in=within, year=2021)

    results = search(user, WORD, body=network["pillar"], year=2021, per_page=100)

    assert {hit.url for hit in results.hits} == allowed
    assert results.counts_by_kind == dict(per_kind)

    only_sections = search(user, WORD, kinds=["sectie"], body=network["pillar"], year=2021)
    assert only_sections.total == per_kind["sectie"]
    assert {hit.kind for hit in only_sections.hits} <= {"sectie"}


@pytest.mark.parametrize("who", ["anonymous", "stranger", "outsider", "colleague"])
def test_a_restricted_entry_is_never_found_nor_counted_by_those_it_does_not_name(
    who: str, matrix: dict[str, Any]
) -> None:
    user = matrix["users"][who]
    restricted = set(
        SearchEntry.objects.filter(
            text__contains=WORD, visibility=Visibility.RESTRICTED
        ).values_list("url", flat=True)
    )
    # The colleague sits in the group, so only the restricted entries of the group's secretary
    # and of its named person are hidden from everyone here.
    results = search(user, f"{WORD} restricted", per_page=100)

    assert not restricted & {hit.url for hit in results.hits}
    assert results.total == 0
    assert results.counts_by_kind == {}


def test_a_meeting_made_restricted_is_no_longer_found_nor_counted_by_outsiders(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["users"]["outsider"])
    meeting = network["public_meeting"]
    assert search_page(client, "woningbouw").counts["bijeenkomst"] == 1

    meetings.meeting_update(
        actor=SYSTEM, meeting=meeting, version=meeting.version, visibility="restricted"
    )

    page = search_page(client, "woningbouw")
    assert page.titles == ["Meer sociale huurwoningen"]
    assert page.counts["bijeenkomst"] == 0


def test_a_body_level_meeting_moved_to_another_body_is_found_by_that_body_only(
    network: dict[str, Any], client: Client
) -> None:
    meeting = meetings.meeting_plan(
        actor=SYSTEM,
        bodies=[network["group"]],
        title="Werksessie dakopbouw",
        kind="themasessie",
        level="ambtelijk",
        format="online",
        date=dt.date(2021, 9, 9),
        description="Dakopbouw als vorm van woningbouw.",
        visibility="body",
    )
    colleague, outsider = network["users"]["colleague"], network["users"]["outsider"]
    assert search(colleague, "dakopbouw").total == 1
    assert search(outsider, "dakopbouw").total == 0

    meetings.meeting_update(
        actor=SYSTEM, meeting=meeting, version=meeting.version, bodies=[network["elsewhere"]]
    )

    assert search(colleague, "dakopbouw").total == 0
    assert search(outsider, "dakopbouw").total == 1


def _level_terms_in_the_index() -> list[list[str]]:
    """The level terms (``v<level>``) each entry holds, as the engine's own index has them:
    on SQLite its access column, on PostgreSQL its vector's lexemes that start with ``#``."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT access FROM search_fts")
            held = [access.split() for (access,) in cursor.fetchall()]
        else:
            cursor.execute("SELECT tsvector_to_array(search_vector) FROM search_searchentry")
            held = [
                [lexeme[1:] for lexeme in lexemes if lexeme.startswith("#")]
                for (lexemes,) in cursor.fetchall()
            ]
    return [[term for term in terms if term.startswith("v")] for terms in held]


def test_every_entry_holds_exactly_one_level_term_in_the_index(
    network: dict[str, Any], matrix: dict[str, Any]
) -> None:
    # A viewer's levels may be matched as "none of the other levels" (``engines``): an
    # entry without a level term would be shown to everyone.
    meeting = network["public_meeting"]
    meetings.meeting_update(
        actor=SYSTEM, meeting=meeting, version=meeting.version, visibility="restricted"
    )

    held = _level_terms_in_the_index()

    assert len(held) == SearchEntry.objects.count() >= matrix["count"]
    assert all(len(terms) == 1 for terms in held), [t for t in held if len(t) != 1][:5]


def test_an_entry_a_viewer_sees_twice_over_ranks_as_it_does_for_one_who_sees_it_once(
    network: dict[str, Any],
) -> None:
    # The secretary sees a public entry of their own group both as public and as their
    # group's; a visitor sees it as public only. Its words must not count twice.
    key = "library.section:950000"
    entry = index.Entry(
        title="Tweeling",
        text=f"Een {WORD} in tweevoud.",
        url=key,
        visibility=Visibility.PUBLIC,
        bodies=(network["group"].pk,),
        year=2021,
    )
    index.bulk_put([(key, entry)])

    (as_secretary,) = search(network["users"]["secretary"], WORD).hits
    (as_visitor,) = search(None, WORD).hits

    assert as_secretary.score == pytest.approx(as_visitor.score)


def test_an_entry_of_an_unknown_level_is_refused_rather_than_indexed() -> None:
    with pytest.raises(ValueError, match="vertrouwelijk"):
        terms.of_entry("sectie", "vertrouwelijk", bodies=(), people=(), year=2021)
