"""The pages show the published 2021 report's facts once the demo network is loaded."""

from __future__ import annotations

import csv
from pathlib import Path

from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.registry.demo import DATA_DIR


def _page(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def _cities() -> dict[str, str]:
    with Path(DATA_DIR, "gemeenten.csv").open(encoding="utf-8") as handle:
        return {row["name"]: row["province"] for row in csv.DictReader(handle)}


def test_the_cities_page_lists_the_forty_with_their_provinces(
    shared_demo: None, client: Client
) -> None:
    # Twenty a page: the forty are on the first two.
    pages = [
        _page(client, reverse("registry:municipalities") + f"?jaar=2021&pagina={number}")
        for number in (1, 2)
    ]
    rows = {
        row.th.get_text(strip=True): row.find_all("td")[1].get_text(strip=True)
        for page in pages
        for row in page.tbody.find_all("tr")
    }
    assert rows == _cities()
    assert len(rows) == 40
    footer = pages[0].tfoot.get_text(" ", strip=True)
    assert "4.211.614" in footer  # the 33 known figures
    assert "7 gemeenten onbekend" in footer


def test_the_pillar_fysiek_page_shows_its_chair_changing_hands_in_september_2021(
    shared_demo: None, client: Client
) -> None:
    page = _page(client, reverse("registry:body", args=["pijler-fysiek"]))

    former = page.find(id="former-heading").find_parent("section").get_text(" ", strip=True)
    current = page.find(id="roles-heading").find_parent("section").get_text(" ", strip=True)
    assert "Harriët Tiemens" in former
    assert "september 2021" in former
    assert "Maaike Veeningen" in current
    assert "sinds september 2021" in current
    assert "1 september" not in page.get_text()  # known to the month, never an invented day


def test_the_representation_map_lists_the_networks_people_in_external_bodies(
    shared_demo: None, client: Client
) -> None:
    text = _page(client, reverse("registry:representation")).get_text(" ", strip=True)

    for body, person in [
        ("Taskforce Wonen en Zorg", "Marleen Damen"),
        ("Retailagenda", "Monique Esselbrugge"),
        ("sensorenregister", "Wim Willems"),
        ("Economisch herstel en transitie", "Boaz Adank"),
    ]:
        assert body in text
        assert person in text


def test_a_city_page_shows_its_people_and_the_bodies_it_takes_part_in(
    shared_demo: None, client: Client
) -> None:
    text = _page(client, reverse("registry:municipality", args=["GM0200"])).get_text(
        " ", strip=True
    )

    assert "Apeldoorn" in text
    assert "City Deal Impact Ondernemen" in text
    assert "https://identifier.overheid.nl/tooi/id/gemeente/gm0200" in text


def test_the_home_page_shows_the_pillars_with_a_link_to_their_theme_groups(
    shared_demo: None, client: Client
) -> None:
    page = _page(client, reverse("registry:home"))
    tree = page.find(id="bodies-heading").find_parent("section")

    pillars = [item.a.get_text(strip=True) for item in tree.ul.find_all("li", recursive=False)]
    assert [p for p in pillars if p.lower().startswith("pijler")] == [
        "Pijler Sociaal",
        "Pijler Economie en Werk",
        "Pijler Fysiek",
    ]
    assert "Sterke Keten" not in tree.get_text()  # a theme group: on the page of all bodies
    bodies = _page(client, tree.find("a", href=reverse("registry:bodies"))["href"])
    assert "Sterke Keten" in bodies.get_text()
    assert "40" in page.find(class_="key-numbers").get_text()


def test_organisations_carry_their_tooi_uri(shared_demo: None, client: Client) -> None:
    page = _page(client, reverse("registry:organisations"))
    link = page.find("a", string=lambda s: bool(s) and "Binnenlandse Zaken" in s)
    detail = _page(client, link["href"]).get_text(" ", strip=True)
    assert "https://identifier.overheid.nl/tooi/id/ministerie/mnre1034" in detail
