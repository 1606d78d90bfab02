"""Names with digits and codes are words too: "Platform31" finds the organisation and the
records that mention it; a CBS code finds its municipality."""

from __future__ import annotations

from django.test import Client

from koepel.search.tests.conftest import search_page


def test_platform31_finds_the_organisation_first_and_the_records_mentioning_it(
    shared_demo: None, client: Client
) -> None:
    page = search_page(client, "Platform31")

    assert (page.hits[0].kind, page.hits[0].title) == ("organisatie", "Platform31")
    others = {hit.kind for hit in page.hits[1:]}
    assert {"gremium", "mijlpaal"} <= others
    assert "Klankbordgroep Beter benutten bestaande voorraad" in page.titles
    assert all("<mark>Platform31</mark>" in hit.snippet for hit in page.hits[1:])


def test_a_cbs_code_finds_its_municipality(shared_demo: None, client: Client) -> None:
    page = search_page(client, "gm0200")

    assert [(hit.kind, hit.title) for hit in page.hits] == [("gemeente", "Apeldoorn")]
