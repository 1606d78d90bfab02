"""A search outside any transaction, as a request makes it: the engine's settings for the
search statement (PostgreSQL lets a common word use two cores) apply to that statement only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from koepel.search import engines, index
from koepel.search.tests.conftest import search_page


@pytest.mark.django_db(transaction=True)
def test_a_search_finds_and_leaves_the_connection_as_it_was(client: Client) -> None:
    index.bulk_put(
        [
            (
                f"library.section:{number}",
                index.Entry(
                    kind="sectie", title=f"Paragraaf {number}", text="Over warmtenetten.", url="/"
                ),
            )
            for number in range(30)
        ]
    )
    settings = [statement.split()[2] for statement in engines.current().search_settings]
    before = {name: _setting(name) for name in settings}

    page = search_page(client, "warmtenet")

    assert page.counts["sectie"] == 30
    assert len(page.hits) == 20
    assert {name: _setting(name) for name in settings} == before
    assert not connection.in_atomic_block


def _setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        (value,) = cursor.fetchone()
    return str(value)
