""" "Mijn werk": each person's start page, read through the test client as each role gets it.

The world is a small network like the demo's: two theme groups (A and B), a member city with
an official and an administrator in A, the secretary of A, a member of B, and the office. Each
panel must hold the viewer's own work, and never a record of body B (restricted or not) that
the viewer may not open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Consultation, ConsultationResponse, LobbyAction
from koepel.meetings.models import ActionItem, Invitation, Level, Meeting
from koepel.meetings.tests.factories import MeetingFactory
from koepel.mywork import views
from koepel.mywork.panels import PANEL_SIZE
from koepel.registry.models import Body, Municipality, Network
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    MunicipalityFactory,
    PersonFactory,
    RoleFactory,
)
from koepel.registry.services import role_end
from koepel.reports.models import AnnualReport, SectionText

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


@dataclass
class World:
    body_a: Body
    body_b: Body
    city: Municipality
    silent_city: Municipality
    users: dict[str, User]
    meetings: dict[str, Meeting]


def _meeting(title: str, body: Body, day: dt.date, **fields: Any) -> Meeting:
    return MeetingFactory(title=title, bodies=[body], date=day, **fields)


@pytest.fixture
def world() -> World:
    Network.objects.create(name="Testnetwerk", short_name="TN")
    body_a = BodyFactory(name="Themagroep Wonen", slug="wonen")
    body_b = BodyFactory(name="Themagroep Zorg", slug="zorg")
    city = MunicipalityFactory(name="Amersfoort")
    silent_city = MunicipalityFactory(name="Zwolle")
    for member in (city, silent_city):
        MembershipFactory(municipality=member, start=dt.date(2020, 1, 1))
    official = PersonFactory(name="Olga Ambtenaar", municipality=city, email="olga@example.nl")
    administrator = PersonFactory(name="Bert Bestuurder", municipality=city)
    secretary = PersonFactory(name="Sanne Secretaris")
    member_b = PersonFactory(name="Bram Zorg", municipality=silent_city)
    RoleFactory(person=official, body=body_a)
    RoleFactory(person=administrator, body=body_a, level=Level.ADMINISTRATIVE)
    RoleFactory(person=secretary, body=body_a, secretary=True)
    RoleFactory(person=member_b, body=body_b)
    users = {
        "official": UserFactory(person=official),
        "administrator": UserFactory(person=administrator),
        "secretary": UserFactory(person=secretary),
        "member_b": UserFactory(person=member_b),
        "office": UserFactory(office=True),
    }
    meetings = {
        "next": _meeting("Overleg Wonen volgende maand", body_a, TODAY + 30 * DAY),
        "soon": _meeting("Overleg Wonen deze week", body_a, TODAY + 2 * DAY),
        "cancelled": _meeting(
            "Afgelast overleg Wonen", body_a, TODAY + 3 * DAY, status="geannuleerd"
        ),
        "held": _meeting("Gehouden overleg Wonen", body_a, TODAY - 10 * DAY, held=True),
        "with_minutes": _meeting(
            "Overleg Wonen met verslag", body_a, TODAY - 20 * DAY, held=True, minutes="Verslag."
        ),
        "secret_b": _meeting(
            "Vertrouwelijk overleg Zorg", body_b, TODAY + 5 * DAY, visibility="restricted"
        ),
        "held_b": _meeting("Gehouden overleg Zorg", body_b, TODAY - 5 * DAY, held=True),
    }
    # The official is invited to the meeting this week and has not answered; the
    # administrator has answered already.
    Invitation.objects.create(meeting=meetings["soon"], person=official)
    Invitation.objects.create(meeting=meetings["soon"], person=administrator, answer="komt")
    # Actions: the official's own, one of them on body B's restricted meeting they may not see.
    ActionItem.objects.create(
        meeting=meetings["held"],
        body=body_a,
        owner=official,
        description="Notitie woningbouw",
        due=TODAY + 7 * DAY,
    )
    ActionItem.objects.create(
        meeting=meetings["held"],
        body=body_a,
        owner=official,
        description="Cijfers huurwoningen",
        due=TODAY - 3 * DAY,
    )
    ActionItem.objects.create(
        meeting=meetings["held"],
        body=body_a,
        owner=official,
        description="Afgerond punt",
        status="afgerond",
    )
    ActionItem.objects.create(
        meeting=meetings["secret_b"],
        body=body_b,
        owner=official,
        description="Geheime zorgactie",
    )
    ActionItem.objects.create(
        meeting=meetings["held"],
        body=body_a,
        owner=administrator,
        description="Brief aan de minister",
        due=TODAY - 1 * DAY,
    )
    ActionItem.objects.create(
        meeting=meetings["held_b"],
        body=body_b,
        owner=member_b,
        description="Zorgnotitie te laat",
        due=TODAY - 2 * DAY,
    )
    # Consultations: one waiting for the official's city, one it answered, one restricted.
    waiting = _lobby_action("Brief over de woningbouwopgave", body_a, "network")
    Consultation.objects.create(
        action=waiting, deadline=TODAY + 4 * DAY, silence_rule="geen_reactie", opened_on=TODAY
    ).municipalities.set([city, silent_city])
    answered = _lobby_action("Brief over huurtoeslag", body_a, "network")
    Consultation.objects.create(
        action=answered, deadline=TODAY + 4 * DAY, silence_rule="geen_reactie", opened_on=TODAY
    ).municipalities.set([city])
    ConsultationResponse.objects.create(action=answered, municipality=city, answer="eens")
    hidden = _lobby_action("Vertrouwelijke brief over zorg", body_b, "restricted")
    Consultation.objects.create(
        action=hidden, deadline=TODAY + 1 * DAY, silence_rule="geen_reactie", opened_on=TODAY
    ).municipalities.set([city])
    # Sections of last year's report: the official writes one, Bram another.
    report = AnnualReport.objects.create(year=TODAY.year - 1)
    SectionText.objects.create(
        report=report, key=f"body:{body_a.pk}", writer=official, due=TODAY + 14 * DAY
    )
    SectionText.objects.create(report=report, key=f"body:{body_b.pk}", writer=member_b)
    SectionText.objects.create(report=report, key="voorwoord", status="definitief")
    Email.objects.create(
        from_email="koepel@example.nl",
        to=["weg@example.nl"],
        subject="Uitnodiging: niet afgeleverd",
        status=STATUS.failed,
    )
    return World(body_a, body_b, city, silent_city, users, meetings)


def _lobby_action(title: str, body: Body, visibility: str) -> LobbyAction:
    action = LobbyAction.objects.create(
        title=title, kind="brief", date=TODAY, stage="consultatie", visibility=visibility
    )
    action.bodies.set([body])
    return action


def _page(client: Client, user: User, url: str = "/mijn-werk/") -> BeautifulSoup:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def _panels(page: BeautifulSoup) -> dict[str, str]:
    """Each panel's text by its key, whitespace folded."""
    return {
        section["aria-labelledby"].removeprefix("panel-"): " ".join(section.get_text().split())
        for section in page.select("section.work-panel")
    }


def _text(page: BeautifulSoup) -> str:
    return " ".join(page.select_one("main").get_text().split())


# Words only records the viewer may not see carry, whoever views.
NEVER = ("Vertrouwelijk overleg Zorg", "Geheime zorgactie", "Vertrouwelijke brief over zorg")


def test_a_visitor_is_asked_to_sign_in_and_keeps_the_public_home_page(
    world: World, client: Client
) -> None:
    response = client.get(reverse("mywork:my-work"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("mywork:panel", args=["acties"])).status_code == 302
    home = BeautifulSoup(client.get("/").content, "html.parser")
    assert home.select_one("h1").get_text() == "Testnetwerk"
    assert "Mijn werk" not in home.get_text()
    # The sign-in link of the front page leads on to Mijn werk, not back to the front page.
    sign_in = home.find("a", string="Inloggen")
    assert sign_in["href"] == reverse("accounts:login")


def test_signing_in_lands_on_my_work(world: World, client: Client) -> None:
    answer = client.post(
        reverse("accounts:login"),
        {"username": world.users["official"].username, "password": "geheim-wachtwoord-123"},
    )
    assert answer.status_code == 302 and answer["Location"] == "/mijn-werk/"
    page = _page(client, world.users["official"], "/")
    assert page.find("a", string="Mijn werk")["href"] == "/mijn-werk/"


def test_an_official_sees_their_own_work_coming_first(world: World, client: Client) -> None:
    page = _page(client, world.users["official"])
    panels = _panels(page)

    assert list(panels) == [
        "bijeenkomsten",
        "uitnodigingen",
        "acties",
        "raadplegingen",
        "jaarverslag",
    ]
    meetings = panels["bijeenkomsten"]
    assert "(2)" in meetings
    assert meetings.index("Overleg Wonen deze week") < meetings.index("Overleg Wonen volgende")
    assert "Afgelast" not in meetings and "Gehouden" not in meetings
    assert "Overleg Wonen deze week" in panels["uitnodigingen"]
    assert "Zeg of u komt" in panels["uitnodigingen"]
    actions = panels["acties"]
    assert "(2)" in actions
    assert actions.index("Cijfers huurwoningen") < actions.index("Notitie woningbouw")
    assert "over de datum" in actions.split("Notitie")[0]
    assert "Afgerond punt" not in actions and "Brief aan de minister" not in actions
    consultations = panels["raadplegingen"]
    assert "Amersfoort" in consultations and "Brief over de woningbouwopgave" in consultations
    assert "huurtoeslag" not in consultations  # answered already
    assert "Jaarverslag" in panels["jaarverslag"] and "Themagroep Wonen" in panels["jaarverslag"]
    text = _text(page)
    for word in NEVER:
        assert word not in text
    # Nothing of a secretary's or the office's.
    assert "zonder contactpersoon" not in text and "Mislukte e-mails" not in text
    assert "verslagen" not in panels and "acties-over-datum" not in panels


def test_an_administrator_sees_their_answered_invitation_gone_and_their_own_action(
    world: World, client: Client
) -> None:
    panels = _panels(_page(client, world.users["administrator"]))

    assert "Overleg Wonen deze week" in panels["bijeenkomsten"]
    assert "Geen uitnodigingen om te beantwoorden." in panels["uitnodigingen"]
    assert "Brief aan de minister" in panels["acties"]
    assert "Cijfers huurwoningen" not in panels["acties"]
    # Writes no section: the panel is left out rather than shown empty.
    assert "jaarverslag" not in panels
    assert "verslagen" not in panels and "acties-over-datum" not in panels


def test_a_secretary_sees_their_bodies_meetings_without_minutes_and_overdue_actions(
    world: World, client: Client
) -> None:
    page = _page(client, world.users["secretary"])
    panels = _panels(page)

    minutes = panels["verslagen"]
    assert "Gehouden overleg Wonen" in minutes and "Verslag schrijven" in minutes
    assert "met verslag" not in minutes and "Gehouden overleg Zorg" not in minutes
    assert page.find("a", href=reverse("meetings:minutes", args=[world.meetings["held"].pk]))
    overdue = panels["acties-over-datum"]
    assert overdue.index("Cijfers huurwoningen") < overdue.index("Brief aan de minister")
    assert "Notitie woningbouw" not in overdue  # not due yet
    assert "Zorgnotitie te laat" not in overdue  # body B is not theirs
    assert "Geen openstaande acties." in panels["acties"]
    for word in NEVER:
        assert word not in _text(page)


def test_the_office_sees_what_needs_attention_across_the_network(
    world: World, client: Client
) -> None:
    page = _page(client, world.users["office"])
    panels = _panels(page)

    assert list(panels) == [
        "gemeenten-zonder-contact",
        "vacante-zetels",
        "secties",
        "mislukte-mails",
    ]
    assert "Geen vacante zetels." in panels["vacante-zetels"]
    # Amersfoort has Olga, seated and with an address; Zwolle has no one to mail.
    assert "Zwolle" in panels["gemeenten-zonder-contact"]
    assert "Amersfoort" not in panels["gemeenten-zonder-contact"]
    sections = panels["secties"]
    assert f"jaarverslag {TODAY.year - 1}" in sections.lower()
    assert "Themagroep Wonen" in sections and "Themagroep Zorg" in sections
    assert "Voorwoord" not in sections  # final
    assert "Uitnodiging: niet afgeleverd" in panels["mislukte-mails"]
    assert page.find("a", href=reverse("accounts:outbox") + "?status=mislukt")
    assert page.find("a", href=reverse("reports:progress", args=[TODAY.year - 1]))


def test_the_office_sees_the_seats_left_vacant_until_they_are_filled(
    world: World, client: Client
) -> None:
    """A seat a council-term change left vacant shows on the office's page, with a link to
    name the successor; members never get the panel."""
    leaving = RoleFactory(
        person=PersonFactory(name="Vera Vertrokken"),
        body=world.body_b,
        on_behalf_of_municipality=world.silent_city,
        start=TODAY - dt.timedelta(days=400),
    )
    vacancy = role_end(
        role=leaving,
        last_day=TODAY - dt.timedelta(days=10),
        expected_version=leaving.version,
        leave_vacant=True,
    )
    assert vacancy is not None

    panels = _panels(_page(client, world.users["office"]))
    seats = panels["vacante-zetels"]
    assert "Themagroep Zorg" in seats and "namens Zwolle" in seats and "Vera" not in seats
    page = _page(client, world.users["office"])
    assert page.find("a", href=reverse("registry:role-hand-over", args=[vacancy.pk]))
    assert "vacante-zetels" not in _panels(_page(client, world.users["member_b"]))


def test_a_member_of_another_body_sees_only_their_own(world: World, client: Client) -> None:
    page = _page(client, world.users["member_b"])
    panels = _panels(page)

    assert "Vertrouwelijk overleg Zorg" not in panels["bijeenkomsten"]  # not invited
    assert "Geen komende bijeenkomsten." in panels["bijeenkomsten"]
    assert "Zorgnotitie te laat" in panels["acties"]
    # Zwolle is consulted on the network's letter; the restricted one names no one of B.
    assert "Brief over de woningbouwopgave" in panels["raadplegingen"]
    assert "Themagroep Zorg" in panels["jaarverslag"]
    assert "Themagroep Wonen" not in panels["jaarverslag"]


def test_two_people_with_the_same_access_each_see_their_own_actions(
    world: World, client: Client
) -> None:
    """Olga and Bert sit in the same body at the same level of access; each sees their own."""
    olga = _panels(_page(client, world.users["official"]))["acties"]
    bert = _panels(_page(client, world.users["administrator"]))["acties"]

    assert "Cijfers huurwoningen" in olga and "Brief aan de minister" not in olga
    assert "Brief aan de minister" in bert and "Cijfers huurwoningen" not in bert


def test_the_full_list_holds_every_row_and_refuses_other_peoples_panels(
    world: World, client: Client
) -> None:
    for n in range(PANEL_SIZE + 3):
        ActionItem.objects.create(
            meeting=world.meetings["held"],
            body=world.body_a,
            owner=world.users["official"].person,
            description=f"Extra actie {n:02d}",
        )
    official = world.users["official"]
    panel = _panels(_page(client, official))["acties"]
    assert panel.count("Extra actie") == PANEL_SIZE - 2  # the two with a date come first
    assert "Alle 10 tonen" in panel

    full = _text(_page(client, official, reverse("mywork:panel", args=["acties"])))
    assert full.count("Extra actie") == PANEL_SIZE + 3 and "10 in totaal" in full
    assert "Geheime zorgactie" not in full
    for key in ("mislukte-mails", "verslagen", "bestaat-niet"):
        assert client.get(reverse("mywork:panel", args=[key])).status_code == 404


def test_an_account_without_a_person_is_told_why_there_is_nothing(
    world: World, client: Client
) -> None:
    text = _text(_page(client, UserFactory()))
    assert "Het netwerkbureau kan uw account aan u koppelen." in text


def test_the_page_is_kept_by_no_cache(world: World, client: Client) -> None:
    client.force_login(world.users["official"])
    for url in ("/mijn-werk/", "/mijn-werk/acties/"):
        assert client.get(url)["Cache-Control"] == "private, no-store"
    assert getattr(views.my_work, "personal", False) and getattr(
        views.panel_page, "personal", False
    )


@pytest.mark.parametrize("who", ["official", "secretary", "office"])
def test_the_number_of_queries_does_not_grow_with_the_work(
    world: World, client: Client, django_assert_max_num_queries: Any, who: str
) -> None:
    user = world.users[who]
    client.force_login(user)
    with django_assert_max_num_queries(60) as few:
        assert client.get("/mijn-werk/").status_code == 200
    person = world.users["official"].person
    for n in range(15):
        body = BodyFactory()
        meeting = _meeting(f"Extra {n}", world.body_a, TODAY + (n + 1) * DAY)
        meeting.bodies.add(body)
        past = _meeting(f"Verleden {n}", world.body_a, TODAY - (n + 1) * DAY, held=True)
        Invitation.objects.create(meeting=meeting, person=person)
        ActionItem.objects.create(
            meeting=past,
            body=world.body_a,
            owner=person,
            description=f"Actie {n}",
            due=TODAY - DAY,
        )
        city = MunicipalityFactory()
        MembershipFactory(municipality=city, start=dt.date(2020, 1, 1))
        Email.objects.create(
            from_email="koepel@example.nl", to=[f"weg{n}@example.nl"], status=STATUS.failed
        )
    client.force_login(user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/mijn-werk/").status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        key = {"official": "acties", "secretary": "verslagen", "office": "mislukte-mails"}[who]
        assert client.get(reverse("mywork:panel", args=[key])).status_code == 200
