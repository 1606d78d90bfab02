"""axe-core in Chromium on every kind of page, signed in as the office and signed out.

The walk follows the links of the site from the home page and opens one address of every named
route it meets. A test then holds the walk against the URL configuration, so a new kind of page
that no link leads to, or that nobody added to the walk, fails here instead of going unchecked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT, AxeResults
from django.urls import URLResolver, get_resolver, resolve
from django.urls.exceptions import Resolver404
from playwright.sync_api import Browser, BrowserContext, Page, expect

from koepel.core.tests.browser.server import (
    LiveKoepel,
    new_context,
    plan_meeting,
    sign_in,
    sign_in_with_a_new_second_factor,
)

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# Named routes the walk does not open, each with the reason. Everything else must be visited.
NOT_PAGES = {
    "accounts:logout": "POST only: signs out",
    "accounts:second-factor-turn-off": "POST only: turns two-step sign-in off",
    "accounts:recovery-codes-renew": "POST only: makes new recovery codes",
    "api-pages:revoke": "POST only: revokes an API token",
    "accounts:lockout-lift": "POST only: lifts a lockout",
    "accounts:outbox-resend": "POST only: puts a mail in the queue again",
    "meetings:answer-link": (
        "opened from the signed link in an invitation mail, which no page of the site shows; "
        "its forms are those of the meeting page's answer, checked there"
    ),
    "accounts:switch-on": "POST only: switches an account on again",
    "accounts:invitation-resend": "POST only: sends an invitation again",
    "accounts:allowed-domain-remove": "POST only: takes a domain off the identity provider's list",
    "accounts:oidc-sign-in": (
        "leads to the identity provider, which the demo has none of (404); the whole way there "
        "and back in accounts/tests/test_sign_in_through_provider"
    ),
    "accounts:oidc-callback": (
        "the identity provider's answer, not a page: it signs in and leads on, or back to the "
        "sign-in page with a message; accounts/tests/test_sign_in_through_provider"
    ),
    "accounts:invitation": "a link with a secret key from a mail; accounts/tests/test_accounts_by_mail",
    "accounts:reset-confirm": "a link with a secret key from a mail; accounts/tests/test_accounts_by_mail",
    "set_language": "POST only: switches the language and goes back",
    "meetings:answer": "POST only: saves an invitee's answer",
    "meetings:decision": "POST only: records a decision on the meeting page",
    "meetings:action": "POST only: adds an action on the meeting page",
    "meetings:action-status": "POST only: changes an action's status",
    "advocacy:consult": "POST only: opens a consultation",
    "advocacy:remind": "POST only: reminds those consulted",
    "advocacy:answer": "POST only: saves a reaction to a consultation",
    "advocacy:adopt": "POST only: adopts a letter",
    "advocacy:send": "POST only: records that a letter was sent",
    "library:read-again": "POST only: has a file version read again",
    "registry:term-delete": "POST only: deletes a term of the vocabulary",
    "meetings:body-feed": "iCalendar feed, not HTML",
    "notices:feed": "iCalendar feed, not HTML (a personal one, by its secret address)",
    "notices:feed-make": "POST only: makes a personal feed address (shown on the page it answers)",
    "notices:feed-revoke": "POST only: switches a personal feed address off",
    "reports:file-status": "JSON for the waiting page's script, not a page",
    "library:reading-status": "JSON for the waiting page's script, not a page",
    "core:picker": "JSON for the pickers' script, not a page (core/tests/browser/test_pickers)",
    "meetings:person-feed": "iCalendar feed, not HTML",
    "meetings:attachment": "file download",
    "library:download": "file download",
    "advocacy:document": "file download",
    "reports:download": "file download (HTML, DOCX or PDF attachment)",
    "reports:published_file": "file download (a file of the published report)",
    "reports:section_review": "POST only: the office's decision on a section handed in",
    "registry:export": "file download (CSV or Excel)",
    "accounts:setup": "first-run page, there only while no network exists (the walk's has one)",
}
NOT_OURS = {
    "admin": "Django's own administration screens, not Koepel's templates",
    "api": "JSON for other systems, not pages; the API's own tests check every resource",
}
# Pages of signing in, reached only on the way in: checked as the office signs in (and the
# first sign-in sets up the second factor), not by the walk.
SIGN_IN_STEPS = {
    "accounts:second-factor-enrol": "setting up the second factor, at the first sign-in",
    "accounts:recovery-codes": "the recovery codes, shown once after setting it up",
    "accounts:second-factor-verify": "the code, at every later sign-in",
}

# Addresses the walk starts from besides the home page: pages no link leads to in the demo (the
# office's participation overview, the list of people), the search page with results, the
# sign-in page (the office is signed in, but the form is shown all the same), and a PDF request,
# which leads to the page that offers to have the file made.
EXTRA_ADDRESSES = [
    "/zoeken/?q=wonen",
    "/bijeenkomsten/deelname/2021/",
    "/bijeenkomsten/cijfers/2021/",
    "/personen/",
    "/inloggen/",
    "/inloggen/blokkades/",
    "/uitgaande-e-mail/",
    "/inloggen/wachtwoord-vergeten/verstuurd/",
    "/accounts/uitnodigen/?q=uitnodiging",
    "/jaarverslag/2021/download/pdf/",
    # The notifications page is linked from a person's own account page; the office has none.
    "/account/meldingen/",
    # The office's start page, and the full list of one of its panels (the demo's people have
    # no e-mail address, so every member city is without a contact).
    "/mijn-werk/",
    "/mijn-werk/gemeenten-zonder-contact/",
    # A body with both roles and participants, so that the links to change and end each are
    # walked whichever body page the walk happens to open first.
    "/gremia/taskforce-economisch-herstel/",
]

# What the accessibility statement promises beyond axe's rules, checked on every page.
PAGE_SHAPE = """() => {
  const problems = [];
  const h1 = document.querySelectorAll("h1").length;
  if (h1 !== 1) problems.push(`${h1} main headings (h1) instead of one`);
  if (document.querySelectorAll("main").length !== 1) problems.push("no single main landmark");
  const skip = document.querySelector("a[href]");
  if (!skip || skip.getAttribute("href") !== "#" + (document.querySelector("main") || {}).id)
    problems.push("the first link does not skip to the content");
  return problems;
}"""


def named_routes(resolver: URLResolver | None = None, prefix: str = "") -> Iterator[str]:
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            yield from named_routes(entry, namespace)
        elif entry.name:
            yield prefix + entry.name


def route_of(url: str) -> str | None:
    try:
        return resolve(urlsplit(url).path).view_name
    except Resolver404:
        return None


def skipped(route: str) -> bool:
    return route in NOT_PAGES or route in SIGN_IN_STEPS or route.split(":")[0] in NOT_OURS


@dataclass
class Walk:
    pages: dict[str, str] = field(default_factory=dict)  # route -> the address opened
    problems: list[str] = field(default_factory=list)


def with_axe(page: Page) -> Page:
    """Load axe-core (as bundled by axe-playwright-python) into every document the page opens."""
    page.add_init_script(AXE_SCRIPT)
    return page


def axe_problems(page: Page, label: str) -> list[str]:
    """Run axe on what the page shows now; one line per rule broken, naming the elements."""
    results = AxeResults(page.evaluate("options => axe.run(document, options)", AXE_OPTIONS))
    return [
        f"{label}: {violation['id']} ({violation['impact']}) {violation['help']} — "
        + ", ".join(str(node["target"]) for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


def page_problems(page: Page, label: str) -> list[str]:
    """axe's findings and the page shape the accessibility statement promises."""
    shape = [f"{label}: {problem}" for problem in page.evaluate(PAGE_SHAPE)]
    return shape + axe_problems(page, label)


def walk(page: Page, site: str, start: Iterable[str]) -> Walk:
    """Open one address per route, following the site's links, and check each page.

    The start addresses are always opened; of the addresses found, the first of each route.
    A page is filed under the route asked for and under the route it lands on.
    """
    result = Walk()
    origin = urlsplit(site).netloc
    queue = [urljoin(site, address) for address in start]
    forced = set(queue)
    opened: set[str] = set()
    while queue:
        url = queue.pop(0)
        route = route_of(url)
        if url in opened or route is None or (skipped(route) and url not in forced):
            continue
        if "formaat=" in urlsplit(url).query:
            continue  # a list exported as a file (core/exports.py): a download, not a page
        if route in result.pages and url not in forced:
            continue
        opened.add(url)
        response = page.goto(url)
        status = response.status if response else 0
        if status != 200:
            result.problems.append(f"{url}: HTTP {status}")
        # A route that redirects (the latest report, this month's calendar) counts as opened,
        # and so does the page it leads to.
        result.pages.setdefault(route, url)
        result.pages.setdefault(route_of(page.url) or route, page.url)
        result.problems += page_problems(page, url)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if urlsplit(href).netloc == origin:
                queue.append(href.split("#")[0])
    return result


# The demo's people have no e-mail address; one gets one to be invited.
_INVITEE = """
from koepel.registry.models import Person
person = Person.objects.order_by("sort_name")[1]
person.email = "uitnodiging@gemeente.example"
person.save()
print(person.slug)
"""


def invite_someone(page: Page, koepel: LiveKoepel) -> str:
    """Invite a person of the demo to an account as the office does; the account's page."""
    slug = koepel.shell(_INVITEE).strip().splitlines()[-1]
    page.goto(urljoin(koepel.url, f"/accounts/uitnodigen/{slug}/"))
    page.get_by_role("main").get_by_role("button", name="Uitnodiging versturen").click()
    page.wait_for_url("**/accounts/*/")
    return page.url


def add_parts(page: Page, meeting: str) -> None:
    """An agenda item, a guest, a decision and an action on a meeting, through its pages."""
    page.goto(meeting)
    page.get_by_role("main").get_by_role("link", name="Agendapunt toevoegen").click()
    page.get_by_label("Titel").fill("Opening")
    page.get_by_role("main").get_by_role("button", name="Opslaan").click()
    page.wait_for_url(meeting)
    page.get_by_role("main").get_by_role("link", name="Gast toevoegen").click()
    # The organisation is a picker: typed, and chosen from the script's suggestions.
    organisation = page.get_by_role("combobox", name=re.compile(r"^Organisatie\b"))
    organisation.press_sequentially("Platform31", delay=20)
    page.get_by_role("option", name=re.compile(r"^Platform31")).first.click()
    page.get_by_role("main").get_by_role("button", name="Opslaan").click()
    page.wait_for_url(meeting)
    page.get_by_label("Besluit", exact=True).fill("De agenda is vastgesteld.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_url(meeting)
    page.get_by_label("Actie", exact=True).fill("Het verslag rondsturen")
    page.get_by_role("button", name="Actie toevoegen").click()
    page.wait_for_url(meeting)


@pytest.fixture(scope="package")
def office_walk(office_context: BrowserContext, koepel: LiveKoepel) -> Walk:
    page = with_axe(office_context.new_page())
    # A meeting still to come, so the pages that only a planned meeting has are reached too.
    planned = plan_meeting(page, "Netwerkdag toegankelijkheid")
    # Its parts, added as a secretary adds them, so their change and remove pages are walked.
    add_parts(page, planned)
    # A second meeting, cancelled through its confirmation page, for the page that undoes it.
    cancelled = plan_meeting(page, "Netwerkdag afgelast")
    main = page.get_by_role("main")
    main.get_by_role("link", name="Bijeenkomst annuleren").click()
    page.get_by_role("main").get_by_role("button", name="Ja, bijeenkomst annuleren").click()
    page.wait_for_url(cancelled)
    # A PDF of the report is made only on request (a POST, never by opening a link): ask for
    # one, so the page that follows the file being made is walked too.
    page.goto(urljoin(koepel.url, "/jaarverslag/2021/download/pdf/"))
    page.get_by_role("main").get_by_role("button", name="Maak het bestand").click()
    page.wait_for_url("**/jaarverslag/2021/bestand/**")
    made = page.url
    # An account besides the office's own, invited through the pages, so that the pages of
    # another account (switching it off asks first) are walked too.
    invited = invite_someone(page, koepel)
    # A domain on the identity provider's list, so that the list and its buttons are walked.
    page.goto(urljoin(koepel.url, "/accounts/domeinen/"))
    page.get_by_label("Domein").fill("utrecht.nl")
    page.get_by_role("main").get_by_role("button", name="Toestaan").click()
    page.wait_for_url("**/accounts/domeinen/")
    found = walk(
        page,
        koepel.url,
        ["/", planned, cancelled, made, invited, f"{invited}uitschakelen/", *EXTRA_ADDRESSES],
    )
    page.close()
    return found


def test_every_page_type_is_walked(office_walk: Walk) -> None:
    expected = {route for route in named_routes() if not skipped(route)}
    missing = sorted(expected - set(office_walk.pages))
    assert not missing, f"Page types the accessibility walk never opened: {missing}"
    stale = sorted(route for route in NOT_PAGES if route not in set(named_routes()))
    assert not stale, f"Exclusions for routes that no longer exist: {stale}"


def test_signed_in_pages_have_no_axe_violations(office_walk: Walk) -> None:
    assert office_walk.problems == []


def test_signed_out_pages_have_no_axe_violations(
    browser: Browser, koepel: LiveKoepel, office_walk: Walk
) -> None:
    """Every address the office opened, opened by a visitor: the page, a refusal or sign-in."""
    context = new_context(browser, koepel)
    page = with_axe(context.new_page())
    problems: list[str] = []
    landed: set[str] = set()
    for url in dict.fromkeys([*office_walk.pages.values(), "/bestaat-niet/"]):
        page.goto(url)
        where = route_of(page.url) or "404"
        if where == "accounts:login" and where in landed:
            continue  # sent to sign in: that page is checked once
        landed.add(where)
        problems += page_problems(page, f"{url} (signed out)")
    context.close()
    assert "registry:home" in landed and "accounts:login" in landed
    assert problems == []


def test_forms_with_errors_have_no_axe_violations(office_page: Page) -> None:
    with_axe(office_page)
    problems: list[str] = []
    for address in [
        "/bijeenkomsten/nieuw/",
        "/kennisbank/nieuw/",
        "/lobby/dossiers/nieuw/",
        "/personen/nieuw/",
        "/organisaties/nieuw/",
        "/gemeenten/nieuw/",
        "/gremia/nieuw/",
        "/gremia/taskforce-economisch-herstel/rollen/nieuw/",
        "/gremia/taskforce-economisch-herstel/deelnames/nieuw/",
    ]:
        office_page.goto(address)
        office_page.get_by_role("main").get_by_role("button", name="Opslaan").click()
        # A click does not wait for the answer: wait until the refused form is back.
        expect(office_page.locator(".field-error").first).to_be_visible()
        office_page.wait_for_load_state()
        problems += page_problems(office_page, f"{address} (errors)")
    assert problems == []


def test_pages_fit_a_phone_320_pixels_wide(browser: Browser, koepel: LiveKoepel) -> None:
    """The statement promises pages that work at 320 px: no sideways scrolling (WCAG 1.4.10)."""
    context = new_context(browser, koepel, width=320, height=640)
    page = context.new_page()
    too_wide: list[str] = []
    for address in [
        "/",
        "/gemeenten/",
        "/bijeenkomsten/",
        "/zoeken/?q=wonen",
        "/jaarverslag/2021/",
        "/bijeenkomsten/cijfers/2021/",
        "/lobby/resultaten/2021/",
    ]:
        page.goto(address)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{address}: {width} px wide")
    context.close()
    assert too_wide == []


CHART_PAGES = [
    "/bijeenkomsten/deelname/2021/",
    "/bijeenkomsten/cijfers/2021/",
    "/lobby/resultaten/2021/",
]


@pytest.mark.parametrize("width", [1280, 320])
def test_charts_have_no_axe_violations_at_desktop_and_phone_width(
    office_context: BrowserContext, width: int
) -> None:
    """Each chart page, with its SVG drawn, at a desktop's and a phone's width."""
    page = with_axe(office_context.new_page())
    page.set_viewport_size({"width": width, "height": 800})
    problems: list[str] = []
    for address in CHART_PAGES:
        page.goto(address)
        svg = page.locator("figure.chart svg[role=img]")
        assert svg.count() == 1, address
        # The page never scrolls sideways; a chart wider than a phone scrolls in its own box.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, address
        problems += page_problems(page, f"{address} at {width} px")
    page.close()
    assert problems == []


# Pages signed in as the office, checked at 320 px: no sideways scrolling and no axe violations
# there (their desktop width is in the walk). One list, one browser page for all of them.
OFFICE_PAGES_ON_A_PHONE = [
    "/mijn-werk/",
    "/mijn-werk/gemeenten-zonder-contact/",
    # The registry's forms hold long choices (every Dutch municipality, every body).
    "/personen/nieuw/",
    "/gemeenten/nieuw/",
    "/gremia/nieuw/",
]


def test_the_offices_pages_fit_a_phone_and_pass_axe_there(office_page: Page) -> None:
    """Each of OFFICE_PAGES_ON_A_PHONE at 320 px: nothing wider than the screen, nothing axe finds."""
    page = with_axe(office_page)
    page.set_viewport_size({"width": 320, "height": 640})
    too_wide: list[str] = []
    problems: list[str] = []
    for address in OFFICE_PAGES_ON_A_PHONE:
        page.goto(address)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            too_wide.append(f"{address}: {width} px wide")
        problems += page_problems(page, f"{address} (320 px)")
    assert too_wide == []
    assert problems == []


# The pages of the network's workplace: the office's registry pages, Mijn werk, the steps that
# confirm or undo a change to a meeting, the calendars and figures, the account pages and the
# statement. The walk opens each at a desktop's width; the tests below open the same address
# again at a phone's, so that nothing is walked twice that is not new.
WORKPLACE_ROUTES = frozenset(
    {
        # The register, as the office keeps it.
        "registry:people",
        "registry:person-add",
        "registry:person-edit",
        "registry:person-anonymise",
        "registry:organisations",
        "registry:organisation-add",
        "registry:organisation-edit",
        "registry:organisation-membership-add",
        "registry:municipality-add",
        "registry:municipality-edit",
        "registry:municipality-membership-add",
        "registry:membership-edit",
        "registry:membership-end",
        "registry:bodies",
        "registry:body-add",
        "registry:body-edit",
        "registry:body-end",
        "registry:role-add",
        "registry:role-edit",
        "registry:role-end",
        "registry:role-hand-over",
        "registry:participation-add",
        "registry:participation-edit",
        "registry:participation-end",
        "registry:term-change",
        # Mijn werk and the calendars.
        "mywork:my-work",
        "mywork:panel",
        "meetings:calendar-month",
        "meetings:my-calendar",
        "meetings:figures",
        # A meeting's steps that ask first or undo.
        "meetings:cancel",
        "meetings:reinstate",
        "meetings:agenda-item-edit",
        "meetings:agenda-item-remove",
        "meetings:guest-edit",
        "meetings:guest-remove",
        "meetings:decision-edit",
        "meetings:decision-remove",
        "meetings:action-edit",
        "meetings:action-remove",
        # Accounts.
        "accounts:account",
        "accounts:accounts",
        "accounts:account-detail",
        "accounts:invite-search",
        "accounts:invite",
        "accounts:password-reset",
        "accounts:reset-sent",
        "accounts:password-change",
        "accounts:sign-out-everywhere",
        "accounts:switch-off",
        "accounts:lockouts",
        "accounts:allowed-domains",
        "core:accessibility",
    }
)

PHONE = {"width": 320, "height": 640}


def at_a_phones_width(page: Page, label: str) -> list[str]:
    """axe, the page's shape and its width, for the page as it is shown now: at a phone's
    width (or whatever width the page has), nothing wider than the screen."""
    screen = page.viewport_size["width"] if page.viewport_size else PHONE["width"]
    problems = page_problems(page, f"{label} ({screen} px)")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > screen:
        problems.append(f"{label}: {width} px wide at {screen} px")
    return problems


def refused(page: Page, address: str, button: str) -> None:
    """Open a form and send it empty, and wait until it comes back with its errors."""
    page.goto(address)
    page.get_by_role("main").get_by_role("button", name=button).click()
    expect(page.locator(".field-error").first).to_be_visible()
    page.wait_for_load_state()


def without_security_token(page: Page, address: str, button: str) -> None:
    """Send a form whose security token was taken out, as an old tab would: the CSRF page."""
    page.goto(address)
    page.evaluate(
        """() => document.querySelectorAll("input[name=csrfmiddlewaretoken]")
              .forEach(input => input.remove())"""
    )
    with page.expect_response(lambda response: response.request.method == "POST") as sent:
        page.get_by_role("main").get_by_role("button", name=button).first.click()
    assert sent.value.status == 403, address
    page.wait_for_load_state()


def previewed(page: Page, address: str) -> None:
    """A text written in Markdown, shown with the preview button."""
    page.goto(address)
    page.get_by_role("main").locator("textarea").first.fill(
        "## Besluiten\n\n- de agenda is vastgesteld\n- [het verslag](https://g40.nl/)"
    )
    page.get_by_role("main").get_by_role("button", name="Voorbeeld").click()
    page.get_by_role("heading", level=2, name="Voorbeeld").wait_for()


def test_the_workplace_routes_are_the_sites(office_walk: Walk) -> None:
    """Every route named above exists and was opened by the walk, so the phone sees it too."""
    assert sorted(WORKPLACE_ROUTES - set(named_routes())) == []
    assert sorted(WORKPLACE_ROUTES - set(office_walk.pages)) == []


def test_the_workplace_passes_axe_at_a_phones_width_as_the_office(
    office_context: BrowserContext, office_walk: Walk
) -> None:
    """Each page of the workplace the walk opened, at 320 px; then the steps no link leads to
    (a council-term change to confirm, a hand-over and forms refused, a Markdown preview, a
    form sent without its security token, an address that does not exist), at both widths."""
    page = with_axe(office_context.new_page())
    page.set_viewport_size(PHONE)
    problems: list[str] = []
    for route in sorted(WORKPLACE_ROUTES):
        address = office_walk.pages[route]
        page.goto(address)
        problems += at_a_phones_width(page, address)

    for address in [
        "/personen/nieuw/",
        "/organisaties/nieuw/",
        "/gemeenten/nieuw/",
        "/gremia/nieuw/",
        "/gremia/taskforce-economisch-herstel/rollen/nieuw/",
        "/gremia/taskforce-economisch-herstel/deelnames/nieuw/",
        office_walk.pages["registry:role-hand-over"],
        office_walk.pages["registry:municipality-membership-add"],
    ]:
        button = "Overdragen" if "/opvolging/" in address else "Opslaan"
        refused(page, address, button)
        problems += at_a_phones_width(page, f"{address} (errors)")
    refused(page, "/account/wachtwoord/", "Wachtwoord wijzigen")
    problems += at_a_phones_width(page, "/account/wachtwoord/ (errors)")

    # The council-term change: the roles of a day, and the step that asks before ending them.
    page.goto("/raadsperiode/?datum=2021-12-31")
    problems += at_a_phones_width(page, "the roles a council-term change may end")
    page.get_by_role("main").get_by_role("checkbox").first.check()
    page.get_by_role("main").get_by_role("button", name="Verder").click()
    expect(page.get_by_role("main")).to_contain_text("1 rol eindigt op 31 december 2021")
    problems += at_a_phones_width(page, "the confirmation of a council-term change")

    for size in [PHONE, {"width": 1280, "height": 900}]:
        page.set_viewport_size(size)
        previewed(page, office_walk.pages["meetings:minutes"])
        problems += at_a_phones_width(page, "the minutes' preview")
        without_security_token(page, "/personen/nieuw/", "Opslaan")
        problems += at_a_phones_width(page, "the page of a form without its token")
        page.goto("/bestaat-niet/")
        problems += at_a_phones_width(page, "the page not found")
    page.close()
    assert problems == []


# A secretary of the Themagroep Europa (where the walk planned and cancelled its meetings) and a
# member of it, with accounts, made in the live Koepel's database as an administrator would.
_SECRETARY_AND_MEMBER = """
import datetime as dt
from koepel.accounts.tests.factories import UserFactory
from koepel.registry.models import Body
from koepel.registry.tests.factories import PersonFactory, RoleFactory

europa = Body.objects.get(slug="europa")
for slug, name, secretary in [
    ("axe-secretaris", "Sem Smit", True), ("axe-lid", "Lotte Lid", False)
]:
    person = PersonFactory(name=name, slug=slug, email=f"{slug}@g40.example")
    RoleFactory(person=person, body=europa, secretary=secretary, start=dt.date(2021, 1, 1))
    UserFactory(username=slug, password="Toegankelijk-werkplek-2026", person=person)
"""


def panels_of_my_work(page: Page) -> list[str]:
    """The addresses of the full lists of the panels on Mijn werk, as the page links them."""
    page.goto("/mijn-werk/")
    links = page.eval_on_selector_all(
        "main a[href^='/mijn-werk/']", "links => links.map(a => a.getAttribute('href'))"
    )
    return sorted({link.split("?")[0] for link in links if link.rstrip("/") != "/mijn-werk"})


def test_the_workplace_passes_axe_at_a_phones_width_as_secretary_and_member(
    browser: Browser, koepel: LiveKoepel, office_walk: Walk
) -> None:
    """What a secretary and a member of a body see of the workplace, on a phone: their Mijn
    werk and its lists, their agenda and account pages; the secretary also a meeting's steps
    and the body's seats."""
    koepel.shell(_SECRETARY_AND_MEMBER)
    meeting_steps = [
        office_walk.pages[route]
        for route in sorted(WORKPLACE_ROUTES)
        if route.startswith("meetings:") and route.endswith(("-edit", "-remove"))
    ] + [office_walk.pages["meetings:cancel"], office_walk.pages["meetings:reinstate"]]
    everyone = [
        "/mijn-agenda/",
        office_walk.pages["meetings:calendar-month"],
        "/account/",
        "/account/wachtwoord/",
        "/account/overal-uitloggen/",
    ]
    problems: list[str] = []
    for username, own in [
        ("axe-secretaris", [*meeting_steps, "/gremia/europa/rollen/nieuw/"]),
        ("axe-lid", []),
    ]:
        context = new_context(browser, koepel, **PHONE)
        page = with_axe(context.new_page())
        if username == "axe-secretaris":
            sign_in_with_a_new_second_factor(page, username, "Toegankelijk-werkplek-2026")
        else:
            page.goto("/inloggen/")
            page.get_by_label("Gebruikersnaam").fill(username)
            page.get_by_label("Wachtwoord").fill("Toegankelijk-werkplek-2026")
            page.get_by_role("main").get_by_role("button", name="Inloggen").click()
            page.wait_for_url("**/mijn-werk/")
        problems += at_a_phones_width(page, f"/mijn-werk/ as {username}")
        for address in [*panels_of_my_work(page), *everyone, *own]:
            response = page.goto(address)
            if response is None or response.status != 200:
                problems.append(f"{address} as {username}: HTTP {response and response.status}")
            problems += at_a_phones_width(page, f"{address} as {username}")
        if username == "axe-secretaris":
            refused(page, "/gremia/europa/rollen/nieuw/", "Opslaan")
            problems += at_a_phones_width(page, "a role refused, as the secretary")
        context.close()
    assert problems == []


def test_the_check_finds_what_it_is_meant_to_find(office_page: Page) -> None:
    """A picture without text and pale grey text on white, added to a page, must be reported."""
    page = with_axe(office_page)
    page.goto("/toegankelijkheid/")
    page.evaluate(
        """() => {
          const main = document.querySelector("main");
          main.insertAdjacentHTML("beforeend",
            '<img src="/static/koepel/favicon.svg"><p id="bleek">Bijna onzichtbaar</p>');
          // Through the CSSOM: the Content Security Policy refuses inline style attributes.
          document.getElementById("bleek").style.color = "#cccccc";
          document.querySelector("h1").remove();
        }"""
    )
    found = " ".join(page_problems(page, "statement"))
    assert "image-alt" in found
    assert "color-contrast" in found
    assert "0 main headings" in found


def test_the_steps_of_signing_in_are_accessible(
    office_context: object, visitor_page: Page, koepel: LiveKoepel
) -> None:
    # The office context's sign-in set up the second factor; this one types a recovery code.
    page = with_axe(visitor_page)
    sign_in(
        page,
        koepel,
        check=lambda step, route: koepel.step_problems.setdefault(
            route, page_problems(step, route)
        ),
    )
    assert set(koepel.step_problems) == set(SIGN_IN_STEPS)
    problems = [p for found in koepel.step_problems.values() for p in found]
    assert not problems, "\n".join(problems)
