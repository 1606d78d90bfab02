"""The main work with the keyboard alone: Tab, Shift+Tab, Enter and Space, and typing in fields.

Every element the focus lands on must show it: a solid ring of at least 2 px, on an element that
is on screen. The mouse is never used.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from koepel.core.tests.browser.server import LiveKoepel

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    tag: element.tagName.toLowerCase(),
    text: (element.innerText || element.value || "").trim(),
    href: element.getAttribute("href") || "",
    label: element.labels && element.labels[0] ? element.labels[0].innerText.trim() : "",
    type: element.getAttribute("type") || "",
    within: element.closest("main") ? "main" : element.closest("header") ? "header" : "",
    outline: style.outlineStyle,
    outlineWidth: parseFloat(style.outlineWidth),
    onScreen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
      && box.top < innerHeight && box.left < innerWidth,
  };
}"""


def focused(page: Page) -> dict[str, Any]:
    return page.evaluate(FOCUSED)  # type: ignore[no-any-return]


def assert_focus_visible(page: Page) -> dict[str, Any]:
    now = focused(page)
    assert now["tag"] != "body", "the focus got lost"
    assert now["outline"] != "none" and now["outlineWidth"] >= 2, f"no visible focus on {now}"
    assert now["onScreen"], f"focus on an element off screen: {now}"
    return now


def tab_to(
    page: Page, what: str, limit: int = 80, back: bool = False, **match: str
) -> dict[str, Any]:
    """Press Tab (or Shift+Tab) until the focus is on the element described.

    The focus must be visible at every step on the way. A page may have put the focus there
    already (the sign-in form focuses the user name).
    """

    def matches(now: dict[str, Any]) -> bool:
        return all(re.search(pattern, now[key]) for key, pattern in match.items())

    if matches(focused(page)):
        return assert_focus_visible(page)
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        now = assert_focus_visible(page)
        if matches(now):
            return now
    raise AssertionError(f"{what} not reached with {limit} presses of Tab")


def test_keyboard_user_signs_in_opens_a_meeting_and_searches(
    office_context: object, visitor_page: Page, koepel: LiveKoepel
) -> None:
    # office_context: by now the office account has set up its second factor.
    page = visitor_page
    # Without smooth scrolling the focused element is in view at once, not after the animation.
    page.emulate_media(reduced_motion="reduce")
    page.goto("/")

    # The first stop is the skip link; Enter moves on to the content.
    first = tab_to(page, "the skip link", limit=1, tag="^a$")
    assert first["href"] == "#inhoud"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "inhoud"

    # Back from the content into the header, where the sign-in link is.
    tab_to(page, "the sign-in link", back=True, tag="^a$", text="^Inloggen$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen")

    tab_to(page, "the user name", tag="^input$", label="^Gebruikersnaam$")
    page.keyboard.type(koepel.username)
    tab_to(page, "the password", tag="^input$", label="^Wachtwoord$")
    page.keyboard.type(koepel.password)
    tab_to(page, "the sign-in button", tag="^button$", text="^Inloggen$")
    page.keyboard.press("Space")
    # The second step: a recovery code, typed like any code from the app.
    expect(page.get_by_role("heading", level=1)).to_have_text("Inloggen: code")
    tab_to(page, "the code", tag="^input$", label="^Code$")
    page.keyboard.type(koepel.recovery_codes.pop())
    tab_to(page, "the sign-in button", tag="^button$", text="^Inloggen$")
    page.keyboard.press("Space")
    # The code page has a sign-out button too: wait for the page the code leads to, or the
    # next step may read the focus of a page that is going away.
    page.wait_for_url(f"{koepel.url}/mijn-werk/")
    page.wait_for_load_state()
    expect(page.get_by_role("banner").get_by_role("button", name="Uitloggen")).to_be_visible()

    tab_to(page, "the meetings menu item", tag="^a$", text="^Bijeenkomsten$")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bijeenkomsten")
    meeting = tab_to(
        page, "a meeting", limit=120, tag="^a$", within="^main$", href=r"^/bijeenkomsten/\d+/$"
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(meeting["href"]) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(meeting["text"])

    # A new page starts the focus from the top again; the search box is in every header.
    tab_to(page, "the search box", tag="^input$", type="^search$", within="^header$")
    page.keyboard.type("wonen")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(re.compile(r"resultaten voor “wonen”"))

    hit = tab_to(
        page, "the first result", limit=120, tag="^a$", within="^main$", href=r"^/(?!zoeken)"
    )
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(hit["href"]) + "$"))
