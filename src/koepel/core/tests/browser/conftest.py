"""One Koepel server and one Chromium for all browser tests.

The fixtures are package-scoped: Playwright's synchronous API keeps an event loop on this
thread while it runs, and Django refuses database work under a running loop, so the browser
must be gone before the rest of the suite goes on.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from koepel.core.tests.browser.server import (
    CHROMIUM,
    LiveKoepel,
    chromium_args,
    new_context,
    sign_in,
)
from koepel.core.tests.browser.test_accessibility import page_problems, with_axe


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must run the browser tests.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    _require_chromium()
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=chromium_args())
    yield chromium
    chromium.close()


@pytest.fixture(scope="package")
def koepel(browser: Browser) -> Iterator[LiveKoepel]:
    # Asks for the browser first, so a missing Chromium skips before the server is set up.
    with LiveKoepel() as live:
        yield live


@pytest.fixture(scope="package")
def office_context(browser: Browser, koepel: LiveKoepel) -> Iterator[BrowserContext]:
    """A browser context signed in as the network office, shared by the tests that need one."""
    context = new_context(browser, koepel)
    page = with_axe(context.new_page())
    sign_in(
        page,
        koepel,
        check=lambda step, route: koepel.step_problems.setdefault(
            route, page_problems(step, route)
        ),
    )
    page.close()
    yield context
    context.close()


@pytest.fixture
def office_page(office_context: BrowserContext) -> Iterator[Page]:
    page = office_context.new_page()
    yield page
    page.close()


@pytest.fixture
def visitor_page(browser: Browser, koepel: LiveKoepel) -> Iterator[Page]:
    """A page in a fresh context: nobody signed in."""
    context = new_context(browser, koepel)
    page = context.new_page()
    yield page
    context.close()
