"""The year's tasks of each role, walked in a real browser through Koepel's own pages.

One walk per role: the network office keeps the register (a new person, a role, an account,
a chair handed over, a council-term change that leaves a seat vacant); a body's secretary runs
a meeting from its planning to its close; a member accepts the invitation to an account from
the mail, answers a meeting's invitation, sees it on "Mijn werk" and exports a list. Every
request the browser makes is recorded, and none may go to the back office (``/beheer/``):
what these roles do all year must be possible without it.
"""

from __future__ import annotations

import csv
import datetime as dt
import email
import io
import re
from email.message import Message
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, Page, Request, expect

from koepel.core.tests.browser.server import (
    PLANNED_DAY,
    LiveKoepel,
    new_context,
    pick,
    plan_meeting,
    sign_in_with_a_new_second_factor,
)
from koepel.core.tests.browser.test_accessibility import page_problems, with_axe

pytestmark = pytest.mark.browser

BACK_OFFICE = "/beheer/"


def record_requests(page: Page) -> list[str]:
    """Every address the page asks for from now on: documents, forms, scripts, downloads."""
    seen: list[str] = []

    def note(request: Request) -> None:
        seen.append(request.url)

    page.on("request", note)
    return seen


def assert_no_back_office(seen: list[str]) -> None:
    assert len(seen) > 10, "the walk recorded hardly any requests: is the recording on?"
    back_office = [url for url in seen if urlsplit(url).path.startswith(BACK_OFFICE)]
    assert back_office == []


def at_phone_width(page: Page, label: str) -> list[str]:
    """axe and the width of the page as it is now, seen at 320 px; back to desktop after."""
    page.set_viewport_size({"width": 320, "height": 640})
    problems = page_problems(page, f"{label} (320 px)")
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > 320:
        problems.append(f"{label}: {width} px wide at 320 px")
    page.set_viewport_size({"width": 1280, "height": 900})
    return problems


def delivered_mail(koepel: LiveKoepel) -> list[Message]:
    """Deliver what the live Koepel queued (as its task worker would; the test server runs
    without one) into the files of its data folder, and read every mail delivered so far."""
    koepel.shell(
        "from django.core.management import call_command; call_command('send_queued_mail')"
    )
    messages: list[Message] = []
    for path in sorted((koepel.data_dir / "mail").glob("*.log")):
        for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
            if chunk.strip():
                messages.append(email.message_from_bytes(chunk.strip()))
    return messages


def text_of(message: Message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            return payload.decode(part.get_content_charset() or "utf-8")
    return ""


def link_in_mail(koepel: LiveKoepel, to: str, path: str) -> str:
    """The link to ``path…`` in the last mail delivered to ``to``."""
    found = [
        match.group(0)
        for message in delivered_mail(koepel)
        if to in str(message["To"])
        for match in [re.search(re.escape(koepel.url + path) + r"\S+", text_of(message))]
        if match
    ]
    assert found, f"No mail to {to} with a link to {path}"
    return found[-1]


# --- the network office ------------------------------------------------------------------


def test_the_office_keeps_the_register_for_a_year(office_page: Page) -> None:
    page = with_axe(office_page)
    seen = record_requests(page)
    main = page.get_by_role("main")
    problems: list[str] = []

    # A new person, with the address their account invitation goes to.
    page.goto("/personen/")
    page.goto("/personen/nieuw/")
    page.get_by_label("Naam", exact=True).fill("Fenna Vrolijk")
    page.get_by_label(re.compile(r"^Gemeente\b")).select_option(label="Almere")
    page.get_by_label(re.compile(r"^E-mailadres\b")).fill("fenna.vrolijk@almere.example")
    main.get_by_role("button", name="Opslaan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Fenna Vrolijk")

    # Her role: chair of a theme group, on behalf of her city.
    page.goto("/gremia/duurzaamheid/")
    main.get_by_role("link", name="Rol toevoegen").click()
    pick(page, "Persoon", "Fenna Vrolijk")
    page.get_by_label("Functie", exact=True).select_option(label="voorzitter")
    page.get_by_label("Namens gemeente").select_option(label="Almere")
    page.get_by_label("Van", exact=True).fill("2022-01-01")
    main.get_by_role("button", name="Opslaan").click()
    current = page.get_by_role("region", name="Huidige rollen")
    expect(current.get_by_role("row").filter(has_text="Fenna Vrolijk")).to_contain_text(
        "voorzitter"
    )

    # An account for her, by mail.
    page.goto("/accounts/uitnodigen/")
    page.get_by_label("Naam of e-mailadres").fill("Vrolijk")
    main.get_by_role("button", name="Zoeken").click()
    main.get_by_role("link", name="Fenna Vrolijk").click()
    main.get_by_role("button", name="Uitnodiging versturen").click()
    page.wait_for_url("**/accounts/*/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Account "))

    # Maaike Veeningen succeeds her as chair from 1 January 2024.
    page.goto("/gremia/duurzaamheid/")
    main.get_by_role("link", name=re.compile(r"^Opvolger\W+Fenna Vrolijk, voorzitter")).click()
    pick(page, "Opvolger", "Maaike Veeningen")
    page.get_by_label("Van", exact=True).fill("2024-01-01")
    problems += at_phone_width(page, "hand-over form")
    main.get_by_role("button", name="Overdragen").click()
    expect(main).to_contain_text("Maaike Veeningen volgt op als")

    # The council-term change: her last day is the day before the elections of 2026.
    page.goto("/raadsperiode/")
    page.get_by_label("Laatste dag in functie").fill("2026-03-17")
    main.get_by_role("button", name="Toon de rollen").click()
    main.get_by_role(
        "checkbox", name=re.compile(r"^Maaike Veeningen — voorzitter, Themagroep Duurzaamheid")
    ).check()
    main.get_by_role("button", name="Verder").click()
    expect(main).to_contain_text("1 rol eindigt op 17 maart 2026")
    problems += at_phone_width(page, "confirmation of the council-term change")
    main.get_by_role("button", name="1 rol beëindigen").click()
    expect(main).to_contain_text("1 rol beëindigd op 17 maart 2026")

    # The chair is vacant: on the body's page, and among what needs the office's attention.
    page.goto("/gremia/duurzaamheid/")
    vacant = page.get_by_role("region", name="Vacante zetels")
    expect(vacant.get_by_role("row").filter(has_text="voorzitter")).to_contain_text("Almere")
    expect(vacant.get_by_role("link", name=re.compile(r"^Opvolger kiezen"))).to_have_count(1)
    page.goto("/mijn-werk/")
    panel = page.get_by_role("region", name=re.compile(r"^Vacante zetels"))
    expect(panel).to_contain_text("Themagroep Duurzaamheid")

    assert problems == []
    assert_no_back_office(seen)


# --- the secretary of a body -------------------------------------------------------------

SECRETARY = "secretaris-europa"
SECRETARY_PASSWORD = "Europa-secretariaat-2026"

# The demo has no secretaries: one for the Themagroep Europa, with an account, made in the live
# Koepel's database as an administrator's script would (the office's pages for this are
# walked in the office's test).
_SECRETARY = f"""
import datetime as dt
from koepel.accounts.tests.factories import UserFactory
from koepel.registry.models import Body
from koepel.registry.tests.factories import PersonFactory, RoleFactory

person = PersonFactory(
    name="Sanne Secretaris", sort_name="Secretaris, Sanne", slug="sanne-secretaris",
    email="sanne.secretaris@g40.example",
)
RoleFactory(
    person=person, body=Body.objects.get(slug="europa"), secretary=True,
    start=dt.date(2021, 1, 1),
)
UserFactory(username="{SECRETARY}", password="{SECRETARY_PASSWORD}", person=person)
"""


def test_the_secretary_runs_a_meeting_from_plan_to_close(
    browser: Browser, koepel: LiveKoepel
) -> None:
    koepel.shell(_SECRETARY)
    context = new_context(browser, koepel)
    page = with_axe(context.new_page())
    seen = record_requests(page)
    main = page.get_by_role("main")
    problems: list[str] = []
    sign_in_with_a_new_second_factor(page, SECRETARY, SECRETARY_PASSWORD)

    # Planned for today, from midnight: it can be invited to, and closed once it has begun.
    today = dt.datetime.now(tz=ZoneInfo("Europe/Amsterdam")).date()
    page.goto("/bijeenkomsten/")
    main.get_by_role("link", name="Bijeenkomst plannen").click()
    page.get_by_label("Themagroep Europa").check()
    page.get_by_label("Titel").fill("Overleg Europese fondsen")
    page.get_by_label("Soort").select_option(label="overig")
    page.get_by_label("Vorm").select_option(label="digitaal")
    page.get_by_label("Datum", exact=True).fill(today.isoformat())
    page.get_by_label("Begintijd").fill("00:00")
    main.get_by_role("button", name="Opslaan").click()
    page.get_by_role("heading", level=1, name="Uitnodigen").wait_for()
    main.get_by_role("link", name="Overleg Europese fondsen").click()
    page.get_by_role("heading", level=1, name="Overleg Europese fondsen").wait_for()
    meeting = page.url

    # The agenda (with a slip of the pen, corrected below) and a guest from outside.
    main.get_by_role("link", name="Agendapunt toevoegen").click()
    page.get_by_label("Titel").fill("Europese structuurfonsen")
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(meeting)
    main.get_by_role("link", name="Gast toevoegen").click()
    # A picker: the name typed, and chosen from the suggestions.
    organisation = page.get_by_role("combobox", name=re.compile(r"^Organisatie\b"))
    expect(organisation).to_be_visible()  # the script has made the text box a combobox
    organisation.press_sequentially("Platform31", delay=20)
    page.get_by_role("option", name=re.compile(r"^Platform31")).first.click()
    page.get_by_label("Waarover de gast sprak").fill("Het herstelfonds")
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(meeting)
    expect(page.get_by_role("region", name="Gasten")).to_contain_text("Platform31")

    # The invitations, to the body's members and a guest from outside: asked first.
    main.get_by_role("link", name="Uitnodigen", exact=True).click()
    page.get_by_label(re.compile(r"^Sanne Secretaris")).check()
    page.get_by_label("Naam", exact=True).fill("Ilse van Ommen")
    page.get_by_label("E-mailadres", exact=True).fill("ilse.vanommen@platform31.example")
    main.get_by_role("button", name="Uitnodigingen versturen").click()
    expect(page.get_by_role("alert")).to_contain_text("U nodigt 2 mensen uit.")
    problems += at_phone_width(page, "confirmation of the invitations")
    main.get_by_role("button", name="Ja, uitnodigingen versturen").click()
    page.goto(meeting)
    invited = page.get_by_role("region", name="Uitgenodigd")
    expect(invited).to_contain_text("Sanne Secretaris")
    expect(invited).to_contain_text("Ilse van Ommen")

    # Minutes, looked at once before they are saved.
    main.get_by_role("link", name="Verslag schrijven").click()
    page.get_by_label(re.compile(r"^Verslag")).fill(
        "Platform31 lichtte het **herstelfonds** toe.\n\n- aanvragen\n- cofinanciering"
    )
    main.get_by_role("button", name="Voorbeeld").click()
    expect(page.get_by_role("region", name="Voorbeeld").locator("strong")).to_have_text(
        "herstelfonds"
    )
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(meeting)
    expect(page.locator(".minutes strong")).to_have_text("herstelfonds")

    # A decision and an action.
    page.get_by_label("Besluit", exact=True).fill("De steden dienen samen een aanvraag in.")
    main.get_by_role("button", name="Besluit vastleggen").click()
    page.wait_for_url(meeting)
    page.get_by_label("Actie", exact=True).fill("De aanvraag voorbereiden")
    main.get_by_role("button", name="Actie toevoegen").click()
    page.wait_for_url(meeting)
    expect(main).to_contain_text("De steden dienen samen een aanvraag in.")
    expect(main).to_contain_text("De aanvraag voorbereiden")

    # The slip of the pen in the agenda, corrected.
    main.get_by_role("link", name="wijzigen Europese structuurfonsen").click()
    page.get_by_label("Titel").fill("Europese structuurfondsen")
    main.get_by_role("button", name="Opslaan").click()
    page.wait_for_url(meeting)
    agenda = page.get_by_role("region", name="Agenda", exact=True)
    expect(agenda).to_contain_text("Europese structuurfondsen")
    expect(agenda).not_to_contain_text("structuurfonsen")

    # Called off, asked first; and then it goes ahead after all, asked first too.
    main.get_by_role("link", name="Bijeenkomst annuleren").click()
    main.get_by_role("button", name="Ja, bijeenkomst annuleren").click()
    page.wait_for_url(meeting)
    expect(main).to_contain_text("geannuleerd")
    main.get_by_role("link", name="Bijeenkomst toch laten doorgaan").click()
    main.get_by_role("button", name="Ja, laten doorgaan").click()
    page.wait_for_url(meeting)
    expect(main.get_by_role("link", name="Bijeenkomst annuleren")).to_be_visible()

    # Who was there, and the meeting is closed.
    main.get_by_role("link", name="Aanwezigheid vastleggen en afsluiten").click()
    page.get_by_label(re.compile(r"^Sanne Secretaris")).check()
    page.get_by_label(re.compile(r"^Ilse van Ommen")).check()
    main.get_by_role("button", name="Bijeenkomst afsluiten").click()
    page.wait_for_url(meeting)
    present = page.get_by_role("region", name="Uitgenodigd")
    expect(present.get_by_role("row").filter(has_text="Sanne Secretaris")).to_contain_text("ja")
    expect(present.get_by_role("row").filter(has_text="Ilse van Ommen")).to_contain_text("ja")

    context.close()
    assert problems == []
    assert_no_back_office(seen)


# --- a member ----------------------------------------------------------------------------

MEMBER = "Friso Douwstra"  # a member of the Themagroep Human Capital in the demo
MEMBER_ADDRESS = "friso-douwstra@example.nl"


def test_a_member_accepts_the_invitation_answers_and_exports(
    office_page: Page, browser: Browser, koepel: LiveKoepel
) -> None:
    office = office_page
    office_seen = record_requests(office)
    # The office invites the member to an account, and to a meeting of their body.
    office.goto("/accounts/uitnodigen/?q=Douwstra")
    office.get_by_role("main").get_by_role("link", name=MEMBER).click()
    office.get_by_role("main").get_by_role("button", name="Uitnodiging versturen").click()
    office.wait_for_url("**/accounts/*/")
    title = "Werksessie leven lang ontwikkelen"
    meeting = plan_meeting(office, title, body="Themagroep Human Capital")
    office.get_by_role("main").get_by_role("link", name="Uitnodigen", exact=True).click()
    office.get_by_label(re.compile(rf"^{MEMBER}")).check()
    office.get_by_role("main").get_by_role("button", name="Uitnodigingen versturen").click()
    office.get_by_role("main").get_by_role("button", name="Ja, uitnodigingen versturen").click()
    assert_no_back_office(office_seen)

    link = link_in_mail(koepel, MEMBER_ADDRESS, "/account/uitnodiging/")

    context = new_context(browser, koepel)
    page = with_axe(context.new_page())
    seen = record_requests(page)
    main = page.get_by_role("main")
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kies uw wachtwoord")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("Leven-lang-ontwikkelen-2026")
    page.get_by_label("Nieuw wachtwoord bevestigen").fill("Leven-lang-ontwikkelen-2026")
    main.get_by_role("button", name="Wachtwoord instellen").click()
    page.wait_for_url("**/mijn-werk/")
    expect(page.get_by_role("status")).to_contain_text("Uw wachtwoord is ingesteld")
    problems = page_problems(page, "Mijn werk of a member")

    # The invitation waits on "Mijn werk"; answered on the meeting's page.
    waiting = page.get_by_role("region", name=re.compile(r"^Uitnodigingen om te beantwoorden"))
    waiting.get_by_role("link", name=title).click()
    page.wait_for_url(re.compile("^" + re.escape(meeting)))
    answer = page.get_by_role("region", name="Uw antwoord")
    answer.get_by_label("komt", exact=True).check()
    answer.get_by_role("button", name="Antwoord opslaan").click()
    expect(page.get_by_role("region", name="Uw antwoord")).to_contain_text("Uw antwoord: komt")

    page.goto("/mijn-werk/")
    coming = page.get_by_role("region", name=re.compile(r"^Mijn komende bijeenkomsten"))
    expect(coming.get_by_role("link", name=title)).to_be_visible()
    expect(
        page.get_by_role("region", name=re.compile(r"^Uitnodigingen om te beantwoorden"))
    ).not_to_contain_text(title)
    problems += at_phone_width(page, "Mijn werk of a member with an answer")

    # The list of meetings, exported as the member sees it.
    page.goto("/bijeenkomsten/")
    with page.expect_download() as download_info:
        main.get_by_role("link", name="CSV", exact=True).click()
    download = download_info.value
    path = download.path()
    assert path is not None
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["nummer", "datum", "begintijd", "eindtijd", "titel"]
    ours = [row for row in rows[1:] if row[4] == title]
    assert len(ours) == 1
    assert ours[0][0] == meeting.rstrip("/").rsplit("/", 1)[-1]
    assert ours[0][1] == PLANNED_DAY.isoformat()

    context.close()
    assert problems == []
    assert_no_back_office(seen)
