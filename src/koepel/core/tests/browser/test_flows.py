"""The everyday work of the network office, done in a real browser against a running Koepel."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from koepel.core.tests.browser.server import PLANNED_DAY, LiveKoepel, pick, plan_meeting, sign_in

pytestmark = pytest.mark.browser


def test_visitor_signs_in_after_a_wrong_password_and_out_again(
    visitor_page: Page, koepel: LiveKoepel
) -> None:
    page = visitor_page
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(koepel.username)
    page.get_by_label("Wachtwoord").fill("niet-het-wachtwoord")
    page.get_by_role("main").get_by_role("button", name="Inloggen").click()
    expect(page.get_by_role("main")).to_contain_text("gebruikersnaam en wachtwoord")
    expect(page.get_by_role("button", name="Uitloggen")).to_have_count(0)

    sign_in(page, koepel)
    expect(page.get_by_role("button", name="Uitloggen")).to_be_visible()

    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Inloggen")).to_be_visible()


def test_office_plans_a_meeting_and_records_its_minutes(office_page: Page) -> None:
    page = office_page
    page.goto("/bijeenkomsten/")
    expect(page.get_by_role("link", name="Bijeenkomst plannen")).to_be_visible()
    meeting_url = plan_meeting(page, "Ontbijtsessie Europese fondsen")

    with translation.override("nl"):
        day = date_format(PLANNED_DAY, "j F Y")
    expect(page.get_by_role("main")).to_contain_text(day)

    page.get_by_role("link", name="Verslag schrijven").click()
    page.get_by_label(re.compile(r"^Verslag")).fill(
        "De themagroep besprak de nieuwe ronde van het **Europees Fonds voor Regionale "
        "Ontwikkeling**.\n\n- subsidies\n- cofinanciering"
    )
    # The preview shows the Markdown as it will be read, and saves nothing yet.
    page.get_by_role("button", name="Voorbeeld").click()
    preview = page.get_by_role("region", name="Voorbeeld")
    expect(preview.locator("strong")).to_have_text("Europees Fonds voor Regionale Ontwikkeling")
    expect(preview.get_by_role("listitem")).to_have_count(2)
    expect(page.get_by_label(re.compile(r"^Verslag"))).to_have_value(re.compile(r"\*\*Europees"))
    page.get_by_role("button", name="Opslaan").click()

    assert page.url == meeting_url
    expect(page.locator(".minutes strong")).to_have_text(
        "Europees Fonds voor Regionale Ontwikkeling"
    )


def test_office_uploads_a_document_and_finds_it_by_a_word_inside(
    office_page: Page, tmp_path: Path
) -> None:
    page = office_page
    note = tmp_path / "notitie-warmtenetten.md"
    note.write_text(
        "# Warmtenetten in middelgrote steden\n\n"
        "De steden vragen het Rijk om een garantiefonds voor warmtekoppelingsprojecten.\n",
        encoding="utf-8",
    )
    page.goto("/kennisbank/")
    page.get_by_role("link", name="Document toevoegen").click()
    page.get_by_label("Titel").fill("Notitie warmtenetten")
    page.get_by_label("Themagroep Duurzaamheid").check()
    page.get_by_label(re.compile(r"^Bestand")).set_input_files(note)
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Notitie warmtenetten")
    expect(page.get_by_role("status")).to_contain_text("Het document staat nu in de kennisbank.")

    search = page.get_by_role("search", name="Zoeken op de website")
    search.get_by_label("Zoeken naar").fill("warmtekoppelingsprojecten")
    search.get_by_role("button", name="Zoeken").click()

    expect(page.get_by_role("status")).to_contain_text("1 resultaat")
    hit = page.locator(".search-hit")
    expect(hit).to_contain_text("Warmtenetten")  # the hit is the note, or its section
    hit.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notitie warmtenetten")


def test_visitor_searches_and_narrows_the_results_to_one_kind(visitor_page: Page) -> None:
    page = visitor_page
    page.goto("/")
    page.get_by_label("Zoeken naar").fill("wonen")
    page.get_by_role("button", name="Zoeken").click()

    expect(page).to_have_url(re.compile(r"/zoeken/\?q=wonen"))
    expect(page.get_by_role("status")).to_have_text(re.compile(r"^\d+ resultaten voor “wonen”$"))
    meetings = page.get_by_role("checkbox", name=re.compile(r"^Bijeenkomsten \(\d+\)$"))
    label = page.locator(f"label[for='{meetings.get_attribute('id')}']").inner_text()
    found = int(re.sub(r"\D", "", label))
    assert found > 0
    meetings.check()
    page.get_by_role("group", name="Filteren").get_by_role("button", name="Filteren").click()

    expect(page.get_by_role("status")).to_have_text(f"{found} resultaten voor “wonen”")
    kinds = page.locator(".search-hit__kind .tag").all_inner_texts()
    assert kinds == ["Bijeenkomst"] * found


def test_office_edits_a_report_section_and_downloads_the_report(
    office_page: Page, tmp_path: Path
) -> None:
    page = office_page
    page.goto("/jaarverslag/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Jaarverslag 2021")
    page.get_by_role(
        "link", name=re.compile(r"^Dit hoofdstuk wijzigen\W+Themagroep Europa$")
    ).click()
    page.get_by_label("Uw tekst").fill(
        "De themagroep bereidde de inbreng van de steden voor de Urban Agenda voor."
    )
    page.get_by_label("Status").select_option("definitief")
    page.get_by_role("button", name="Opslaan").click()

    expect(page.get_by_role("status")).to_contain_text("opgeslagen")
    europa = page.get_by_role("region", name=re.compile(r"Themagroep Europa$"))
    expect(europa).to_contain_text("inbreng van de steden voor de Urban Agenda")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Word (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename == "jaarverslag-2021-public.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    with zipfile.ZipFile(saved) as docx:
        body = docx.read("word/document.xml").decode()
    assert "Themagroep Europa" in body
    assert "inbreng van de steden voor de Urban Agenda" in body


def test_office_hands_over_a_seat_and_changes_the_council_term(office_page: Page) -> None:
    """The office's seats without the back office: a hand-over in one form, then a council-term
    change that asks first and leaves a vacant seat, filled by naming the successor; axe on
    the steps no link leads to."""
    from koepel.core.tests.browser.test_accessibility import page_problems, with_axe

    page = with_axe(office_page)
    page.goto("/gremia/taskforce-economisch-herstel/")
    page.get_by_role("link", name=re.compile(r"^Opvolger\W+Boaz Adank")).click()
    pick(page, "Opvolger", "Harriët Tiemens")
    page.get_by_label("Van", exact=True).fill("2022-09-01")
    page.get_by_role("main").get_by_role("button", name="Overdragen").click()
    expect(page.get_by_role("main")).to_contain_text("Harriët Tiemens volgt op als")
    expect(page.get_by_role("main")).to_contain_text("Boaz Adank")  # among the former roles

    page.goto("/raadsperiode/?datum=2021-12-31")
    page.get_by_role("main").get_by_role("checkbox").first.check()
    page.get_by_role("main").get_by_role("button", name="Verder").click()
    expect(page.get_by_role("main")).to_contain_text("1 rol eindigt op 31 december 2021")
    problems = page_problems(page, "the confirmation of a council-term change")
    page.get_by_role("main").get_by_role("button", name="1 rol beëindigen").click()
    expect(page.get_by_role("main")).to_contain_text("1 rol beëindigd op 31 december 2021")
    vacant = page.get_by_role("main").get_by_role("link", name=re.compile(r"^Opvolger kiezen"))
    expect(vacant).to_have_count(1)
    problems += page_problems(page, "the council-term change with a vacant seat")

    vacant.click()
    pick(page, "Opvolger", "Paul Depla")
    page.get_by_label("Van", exact=True).fill("2022-01-15")
    page.get_by_role("main").get_by_role("button", name="Zetel vervullen").click()
    expect(page.get_by_role("main")).to_contain_text("Paul Depla vervult de vacante zetel")
    page.goto("/raadsperiode/")
    expect(page.get_by_role("main")).to_contain_text("Er is geen zetel vacant.")
    assert problems == []
