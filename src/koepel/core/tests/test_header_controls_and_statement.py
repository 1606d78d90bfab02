"""The shared page frame: the header folds into a menu that needs no JavaScript, check boxes
are written control first, and the accessibility statement follows the Dutch model."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import formats, translation

from koepel.accounts.tests.factories import UserFactory
from koepel.core.accessibility import STATEMENT, STATUSES

FOUND_A_PROBLEM = "Een probleem gevonden?"


def soup(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.mark.django_db
def test_the_header_links_fold_behind_a_menu_button_that_needs_no_script(client: Client) -> None:
    client.force_login(UserFactory(office=True))
    page = soup(client, reverse("core:accessibility"))

    header = page.find("header", class_="site-header")
    menu = header.find("details", class_="site-menu")
    summary = menu.find("summary", recursive=False)
    assert summary is not None and summary.get_text(strip=True) == "Menu"
    # Every link and tool of the header sits in the disclosure, after its button.
    nav = menu.find("nav", attrs={"aria-label": "Hoofdmenu"})
    assert nav is not None and len(nav.find_all("a")) >= 8
    assert menu.find("form", attrs={"role": "search"}) is not None
    assert menu.find("button", string="Uitloggen") is not None
    brand, *links = header.find_all("a")
    assert brand.find_parent("details") is None
    assert links and all(link.find_parent("details") is menu for link in links)
    # Nothing in the header depends on JavaScript: no script of its own, and the page's only
    # scripts are Koepel's own files (the pickers' loader), none written into the page.
    assert header.find_all("script") == []
    assert all(script.get("src", "").startswith("/static/") for script in page.find_all("script"))

    # Keyboard order: skip link, brand, "Menu", then the links, then the main content.
    focusable = [
        el
        for el in page.find_all(["a", "summary", "button", "input"])
        if el.get("type") != "hidden"
    ]
    assert focusable[0]["href"] == "#inhoud" and "skip-link" in focusable[0]["class"]
    assert focusable[1]["class"] == ["site-header__brand"]
    assert focusable[2] is summary
    assert page.find("main", id="inhoud")["tabindex"] == "-1"


@pytest.mark.django_db
def test_a_single_check_box_stands_left_of_its_label(client: Client) -> None:
    client.force_login(UserFactory(office=True))
    page = soup(client, reverse("api-pages:tokens"))
    box = page.find("input", attrs={"type": "checkbox"})
    assert box is not None
    wrapper = box.parent
    assert "check" in wrapper["class"]
    label = wrapper.find("label")
    assert label["for"] == box["id"]
    assert wrapper.contents.index(box) < wrapper.contents.index(label)


def test_the_stylesheet_keeps_check_boxes_and_radio_buttons_at_their_own_size() -> None:
    from django.contrib.staticfiles import finders

    css = Path(str(finders.find("koepel/css/koepel.css"))).read_text(encoding="utf-8")
    rule = css.split(".form-field :is(input", 1)[1].split("{", 1)[0]
    assert ':not([type="checkbox"], [type="radio"])' in rule  # no full-width box for them
    assert "inline-size: 1.25rem; block-size: 1.25rem;" in css


@pytest.mark.django_db
def test_the_accessibility_statement_has_the_sections_of_the_model(client: Client) -> None:
    page = soup(client, reverse("core:accessibility"))
    main = page.find("main")
    headings = [h.get_text(strip=True) for h in main.find_all("h2")]
    assert headings == [
        "Nalevingsstatus",
        "Hoe de website is gecontroleerd",
        "Wat nog niet toegankelijk is",
        "Buiten deze verklaring",
        FOUND_A_PROBLEM,
    ]
    text = main.get_text(" ", strip=True)
    with translation.override("nl"):
        drawn_up = formats.date_format(STATEMENT.drawn_up, "j F Y")
        planned = [formats.date_format(p.planned, "j F Y") for p in STATEMENT.problems if p.planned]
        meaning = str(STATUSES[STATEMENT.status])
    assert f"Status {STATEMENT.status}" in text and meaning in text
    assert f"opgesteld op {drawn_up}" in text
    # Every status of the model is explained, the site's own marked.
    status_list = main.find("details").find("dl")
    assert [dt_.get_text(" ", strip=True)[0] for dt_ in status_list.find_all("dt")] == list("ABCDE")
    assert "deze website" in status_list.find_all("dt")["ABCDE".index(STATEMENT.status)].text
    # What is not accessible yet, each with its reason and date; the back office in scope.
    problems = main.find("ul", class_="problems").find_all("li", recursive=False)
    assert len(problems) == len(STATEMENT.problems)
    assert all("Waarom:" in li.get_text() for li in problems)
    assert all(date in text for date in planned)
    assert "/beheer/" in problems[0].get_text()
    assert "ook voor het beheer op /beheer/" in text
    assert "automatische controle met axe-core" in text.lower()
    assert "Nationale ombudsman" in text


@pytest.mark.django_db
def test_the_statement_gives_the_contact_address_of_the_installation(
    client: Client, settings: object
) -> None:
    settings.KOEPEL_ACCESSIBILITY_CONTACT = "toegankelijkheid@g40.example"  # type: ignore[attr-defined]
    page = soup(client, reverse("core:accessibility"))
    link = page.find("a", href="mailto:toegankelijkheid@g40.example")
    assert link is not None and link.get_text() == "toegankelijkheid@g40.example"
