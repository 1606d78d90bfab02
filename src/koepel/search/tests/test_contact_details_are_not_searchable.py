"""People are found by name and function, never by their e-mail address or telephone."""

from __future__ import annotations

from typing import Any

from django.test import Client

from koepel.search.tests.conftest import search_page, signed_in


def test_a_person_is_found_by_name_and_not_by_contact_details(
    network: dict[str, Any], client: Client
) -> None:
    client = signed_in(client, network, "office")

    assert [hit.kind for hit in search_page(client, "Nina Genoemd").hits] == ["persoon"]
    assert search_page(client, "nina@example.nl").hits == []
    assert search_page(client, "0612345678").hits == []
    assert "example.nl" not in search_page(client, "Nina").html
