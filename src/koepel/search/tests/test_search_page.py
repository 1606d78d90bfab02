"""The search page: Dutch, accessible, a bounded number of queries, filters and pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.access import SYSTEM
from koepel.advocacy import services as lobby
from koepel.search.tests.conftest import search_page, signed_in


def _many_milestones(network: dict[str, Any], count: int) -> None:
    for number in range(count):
        lobby.milestone_create(
            actor=SYSTEM,
            bodies=[network["group"]],
            title=f"Mijlpaal {number} over ruimtelijke ordening",
            description="Ordening van de ruimte in de wijk.",
            date=dt.date(2020 + number % 2, 1, 1),
            date_precision="year",
        )


def test_every_page_has_a_labelled_search_box_in_the_header(db: None, client: Client) -> None:
    soup = BeautifulSoup(client.get(reverse("registry:home")).content, "html.parser")

    form = soup.find("header").find("form", attrs={"role": "search"})
    assert form["action"] == reverse("search:search")
    field = form.find("input", attrs={"name": "q"})
    assert soup.find("label", attrs={"for": field["id"]}).get_text(strip=True)


def test_the_page_is_accessible(network: dict[str, Any], client: Client) -> None:
    page = search_page(client, "woningbouw")

    assert page.soup.find("html")["lang"] == "nl"
    assert [h1.get_text(strip=True) for h1 in page.soup.find_all("h1")] == ["Zoeken"]
    main = page.soup.find("main")
    for control in main.find_all(["input", "select"]):
        label = main.find("label", attrs={"for": control["id"]})
        assert label is not None and label.get_text(strip=True), control
    landmarks = page.soup.find_all(attrs={"role": "search"})
    names = [landmark["aria-label"] for landmark in landmarks]
    assert len(names) == 2 and len(set(names)) == 2  # two search forms, told apart
    assert page.soup.find(attrs={"role": "status"}) is not None
    item = page.soup.select_one("ol.search-results > li")
    assert item.find(class_="tag").get_text(strip=True)  # the kind
    assert item.find("h2").find("a")["href"]
    trail = item.find(class_="search-hit__trail").get_text(strip=True)
    assert trail == "Pijler Fysiek › Themagroep Wonen"
    assert item.find(class_="search-hit__snippet").find("mark")


def test_kind_labels_are_dutch(network: dict[str, Any], client: Client) -> None:
    page = search_page(client, "woningbouw")

    # Each hit is tagged with what one record of its kind is called.
    tags = {
        hit.kind: item.get_text(strip=True)
        for hit, item in zip(page.hits, page.soup.select(".search-hit .tag"), strict=True)
    }
    assert tags == {"bijeenkomst": "Bijeenkomst", "lobbydossier": "Lobbydossier"}
    # The filter lists every kind the apps registered, by the name each gave it.
    labels = {
        box["value"]: page.soup.find("label", attrs={"for": box["id"]}).get_text(" ", strip=True)
        for box in page.soup.select('input[name="soort"]')
    }
    assert {kind: label.rpartition(" (")[0] for kind, label in labels.items()} == {
        "gemeente": "Gemeenten",
        "organisatie": "Organisaties",
        "persoon": "Mensen",
        "gremium": "Gremia",
        "bijeenkomst": "Bijeenkomsten",
        "lobbydossier": "Lobbydossiers",
        "lobbyactie": "Lobbyacties",
        "mijlpaal": "Mijlpalen",
        "document": "Documenten",
        "sectie": "Secties",
    }


def test_the_number_of_queries_does_not_grow_with_the_hits(
    network: dict[str, Any], client: Client, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(client, network, "colleague")
    _many_milestones(network, 3)
    # Nothing kept yet: the search, and the data versions and the access key it is kept under.
    with django_assert_max_num_queries(16) as few:
        assert len(search_page(client, "ordening", gremium="fysiek", jaar="2020").hits) == 2

    _many_milestones(network, 30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(search_page(client, "ordening", gremium="fysiek", jaar="2020").hits) == 17


def test_filters_narrow_the_hits_and_the_counts_show_every_kind(
    network: dict[str, Any], client: Client
) -> None:
    _many_milestones(network, 2)
    everything = search_page(client, "wijk")
    assert everything.counts["mijlpaal"] == 2
    assert everything.counts["bijeenkomst"] == 1

    milestones = search_page(client, "wijk", soort="mijlpaal")
    assert {hit.kind for hit in milestones.hits} == {"mijlpaal"}
    assert milestones.total == 2
    assert milestones.counts == everything.counts  # the other kinds stay visible to choose

    several = search_page(client, "wijk", soort=["mijlpaal", "bijeenkomst"])
    assert several.total == 3

    assert sorted(search_page(client, "wijk", jaar="2021").titles) == [
        "Mijlpaal 1 over ruimtelijke ordening",
        "Themasessie woningbouw",
    ]
    assert search_page(client, "wijk", gremium="cultuur").hits == []


def test_a_body_filter_takes_in_the_bodies_within_it(
    network: dict[str, Any], client: Client
) -> None:
    page = search_page(client, "woningbouw", gremium="fysiek")

    assert "Themasessie woningbouw" in page.titles  # a meeting of the theme group in the pillar


def test_bad_filters_are_ignored_and_said_so(network: dict[str, Any], client: Client) -> None:
    page = search_page(client, "woningbouw", soort="onzin", gremium="bestaat-niet", jaar="ooit")

    assert page.status == 200
    assert sorted(page.titles) == ["Meer sociale huurwoningen", "Themasessie woningbouw"]
    assert page.soup.select(".field-error")


def test_results_come_in_pages(network: dict[str, Any], client: Client) -> None:
    _many_milestones(network, 45)

    first = search_page(client, "ordening")
    second = search_page(client, "ordening", pagina="2")
    beyond = search_page(client, "ordening", pagina="99")

    assert len(first.hits) == 20 and len(second.hits) == 20
    assert not set(first.titles) & set(second.titles)
    assert len(beyond.hits) == 5  # the last page
    assert second.soup.select_one("ol.search-results")["start"] == "21"
    nav = second.soup.find("nav", class_="pagination")
    links = [a["href"] for a in nav.find_all("a")]
    assert any("pagina=1" in link for link in links) and any("pagina=3" in link for link in links)


def test_an_empty_search_shows_the_form_and_no_results(db: None, client: Client) -> None:
    page = search_page(client, "")

    assert page.status == 200
    assert page.hits == []
    assert page.soup.find("input", attrs={"name": "q", "id": "id_q"}) is not None
