"""A picker with its script, in a real browser: typed into, chosen from and emptied with the
keyboard alone, and checked by axe while its list of suggestions is open."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from koepel.core.tests.browser.server import LiveKoepel
from koepel.core.tests.browser.test_accessibility import axe_problems, with_axe

pytestmark = pytest.mark.browser

# Someone of the demo with a seat (the office sees everyone), and a part of their name that
# only few others share.
_SOMEONE = """
from koepel.registry.models import Person
person = Person.objects.filter(roles__isnull=False, name__contains=" ").order_by("pk").first()
print(person.name)
"""


def test_the_office_picks_a_person_with_the_keyboard_and_axe_passes(
    office_page: Page, koepel: LiveKoepel
) -> None:
    name = koepel.shell(_SOMEONE).strip().splitlines()[-1]
    page = with_axe(office_page)
    page.goto("/lobby/dossiers/nieuw/")
    page.get_by_label("Titel").fill("Dossier met een gekozen persoon")
    page.get_by_label("Wat het netwerk wil").fill("Dat de keuze werkt.")

    picker = page.get_by_role("group", name="Mensen die eraan werken")
    box = picker.get_by_role("combobox", name="Naam toevoegen")
    expect(box).to_be_visible()  # the script has made the text box a combobox
    box.focus()
    page.keyboard.type(name, delay=20)
    suggestion = page.get_by_role("option", name=name).first
    expect(suggestion).to_be_visible()
    assert axe_problems(page, "dossier form with suggestions open") == []

    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    chosen = picker.get_by_role("listitem").filter(has_text=name)
    expect(chosen).to_have_count(1)
    expect(box).to_have_value("")  # empty again for the next name
    remove = chosen.get_by_role("button", name=f"verwijderen {name}")
    expect(remove).to_be_visible()
    assert axe_problems(page, "dossier form with a person chosen") == []

    # Removed with the keyboard, the focus goes back to the box; chosen again, then saved.
    remove.focus()
    page.keyboard.press("Enter")
    expect(chosen).to_have_count(0)
    expect(box).to_be_focused()
    page.keyboard.type(name, delay=20)
    expect(page.get_by_role("option", name=name).first).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(chosen).to_have_count(1)

    page.get_by_role("group", name="Gremia").get_by_role("checkbox").first.check()
    page.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier met een gekozen persoon")
    expect(page.get_by_role("main")).to_contain_text(name)
