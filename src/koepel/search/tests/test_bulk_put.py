"""Many entries written at once (an import, ``rebuild``) are found like any other, and keep
their visibility: the fast path leaves nothing out and lets nothing through."""

from __future__ import annotations

from typing import Any

from django.test import Client

from koepel.search import index
from koepel.search.tests import conftest
from koepel.search.tests.conftest import search_page, signed_in


def test_thousands_of_sections_at_once_are_found_with_their_visibility(
    network: dict[str, Any], client: Client
) -> None:
    assert index.bulk_put(conftest.sections(network, 2_400, first=900_000)) == 2_400

    assert search_page(client, "energietransitie").counts["sectie"] == 600
    outsider = search_page(signed_in(client, network, "outsider"), "energietransitie")
    assert outsider.counts["sectie"] == 1_200  # public and network
    client.logout()
    named = search_page(signed_in(client, network, "named"), "creche")
    assert named.counts["sectie"] == 2_400
    assert named.hits[0].trail.startswith("Proefdocument › Hoofdstuk")


def test_writing_the_same_keys_again_replaces_the_entries(
    network: dict[str, Any], client: Client
) -> None:
    index.bulk_put(conftest.sections(network, 2_100, first=900_000))
    again = [
        (key, index.Entry(kind="sectie", title="Vervangen", text="Over zonnepanelen.", url="/"))
        for key, _ in conftest.sections(network, 2_100, first=900_000)
    ]

    index.bulk_put(again)

    assert search_page(client, "energietransitie").hits == []
    assert search_page(client, "zonnepanelen").counts["sectie"] == 2_100


def test_a_batch_of_known_and_new_keys_replaces_the_one_and_adds_the_other(
    network: dict[str, Any], client: Client
) -> None:
    index.bulk_put(conftest.sections(network, 600, first=900_000))
    known_and_new = [
        (
            f"library.section:{900_000 + number}",
            index.Entry(kind="sectie", title=f"Nieuw {number}", text="Over warmtenetten.", url="/"),
        )
        for number in range(300, 900)  # the last 300 known, then 300 new
    ]

    index.bulk_put(known_and_new)

    # All 600 public now, the replaced ones whatever they were before.
    assert search_page(client, "warmtenetten").counts["sectie"] == 600
    # The first 300 keep their text; of each four, one is public.
    assert search_page(client, "energietransitie").counts["sectie"] == 75
