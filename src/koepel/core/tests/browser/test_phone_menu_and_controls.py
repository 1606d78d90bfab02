"""On a phone the header folds into "Menu", which opens without JavaScript; at desktop width
the links show as before. Check boxes stand left of their labels at their own size, with a
visible focus ring."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from koepel.core.tests.browser.server import LiveKoepel

pytestmark = pytest.mark.browser


@pytest.fixture
def phone_without_script(browser: Browser, koepel: LiveKoepel) -> Iterator[Page]:
    context = browser.new_context(
        base_url=koepel.url,
        locale="nl-NL",
        viewport={"width": 360, "height": 740},
        java_script_enabled=False,
    )
    yield context.new_page()
    context.close()


def test_on_a_phone_without_javascript_the_menu_opens_and_closes(
    phone_without_script: Page,
) -> None:
    page = phone_without_script
    page.goto("/toegankelijkheid/")
    header = page.get_by_role("banner")
    menu = header.locator("summary", has_text="Menu")  # the disclosure's own button
    details = header.locator("details.site-menu")
    meetings = header.get_by_role("link", name="Bijeenkomsten")

    expect(menu).to_be_visible()
    expect(details).not_to_have_attribute("open", "")
    expect(meetings).to_be_hidden()
    header_height = header.bounding_box()["height"]  # type: ignore[index]
    assert header_height < 160, f"the folded header is {header_height} px high"

    # With the keyboard: Tab past the skip link and the brand to "Menu", then Enter.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(menu).to_be_focused()
    page.keyboard.press("Enter")
    expect(details).to_have_attribute("open", "")
    expect(meetings).to_be_visible()
    expect(header.get_by_role("search")).to_be_visible()
    page.keyboard.press("Tab")
    expect(header.get_by_role("link", name="Gemeenten")).to_be_focused()

    menu.click()
    expect(meetings).to_be_hidden()


def test_at_desktop_width_the_links_show_without_a_menu_button(visitor_page: Page) -> None:
    page = visitor_page
    page.goto("/toegankelijkheid/")
    header = page.get_by_role("banner")
    expect(header.locator("summary", has_text="Menu")).to_be_hidden()
    expect(header.get_by_role("link", name="Bijeenkomsten")).to_be_visible()
    expect(header.get_by_role("search")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    # The hidden summary takes no stop: after the brand comes the first link.
    expect(header.get_by_role("link", name="Gemeenten")).to_be_focused()


def test_check_boxes_sit_left_of_their_label_at_their_own_size(
    office_context: BrowserContext,
) -> None:
    page = office_context.new_page()
    try:
        page.goto("/bijeenkomsten/nieuw/")
        box = page.get_by_label("Themagroep Europa")
        control = box.bounding_box()
        label = page.locator("label", has=box).bounding_box()
        assert control is not None and label is not None
        assert control["width"] <= 24 and control["height"] <= 24, control
        assert control["x"] <= label["x"] + 1  # the control starts the label's row
        assert abs(control["y"] - label["y"]) < 12, (control, label)  # on the same row
        page.locator("label", has=box).evaluate("l => l.scrollIntoView()")
        box.focus()
        page.keyboard.press("Space")
        expect(box).to_be_checked()
        ring = box.evaluate(
            "b => { const s = getComputedStyle(b); return [s.outlineStyle, s.outlineWidth]; }"
        )
        assert ring[0] != "none" and float(ring[1].rstrip("px")) >= 2, ring
        date = page.get_by_label("Einddatum", exact=False)
        assert date.get_attribute("type") == "date"
    finally:
        page.close()
