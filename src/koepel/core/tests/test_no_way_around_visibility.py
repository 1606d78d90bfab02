"""Ways a restricted record could slip out beside the main lists, each closed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from koepel.accounts.access import can_see_contact_details
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy import services as lobby
from koepel.advocacy.models import LobbyAction
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network, Ownership
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory
from koepel.reports.assemble import assemble
from koepel.reports.models import AnnualReport, SectionText


def test_a_seat_in_an_outside_body_does_not_make_someone_a_network_member(db: None) -> None:
    outside = BodyFactory(ownership=Ownership.EXTERNAL)
    official = UserFactory(person=RoleFactory(body=outside).person)
    assert not can_see_contact_details(official)


def test_a_public_meeting_does_not_name_a_restricted_body_or_meeting(
    db: None, client: Client
) -> None:
    secret_group = BodyFactory(name="Geheime werkgroep", visibility="restricted")
    open_group = BodyFactory(name="Open themagroep")
    secret = MeetingFactory(title="Geheim vooroverleg", bodies=[secret_group], restricted=True)
    public = MeetingFactory(
        title="Open overleg", bodies=[open_group, secret_group], prepares=secret
    )
    for url in (public.get_absolute_url(), reverse("meetings:meetings")):
        page = client.get(url).content.decode()
        assert "Open overleg" in page
        assert "Geheime werkgroep" not in page and "Geheim vooroverleg" not in page


def test_the_lobby_cannot_ask_the_cities_about_a_text_they_may_not_read(db: None) -> None:
    body = BodyFactory()
    secretary = UserFactory(person=RoleFactory(body=body, function="ambtelijk_secretaris").person)
    action = lobby.action_create(
        actor=secretary,
        bodies=[body],
        title="Concept",
        kind="brief",
        date=dt.date(2021, 5, 1),
        visibility="restricted",
    )
    with pytest.raises(ValidationError):
        lobby.consultation_open(actor=secretary, action=action)
    assert LobbyAction.objects.get().stage == "concept"


def test_a_secretary_cannot_adopt_another_bodys_text(db: None) -> None:
    mine, theirs = BodyFactory(), BodyFactory()
    other = UserFactory(person=RoleFactory(body=theirs, function="ambtelijk_secretaris").person)
    office = UserFactory(office=True)
    action = lobby.action_create(
        actor=office,
        bodies=[mine],
        title="Brief",
        kind="brief",
        date=dt.date(2021, 5, 1),
        visibility="network",
    )
    with pytest.raises(PermissionDenied):
        lobby.action_adopt(actor=other, action=action, body=theirs, date=dt.date(2021, 6, 1))


def test_draft_words_stay_out_of_the_public_report(db: None) -> None:
    Network.objects.create(name="Testnetwerk", short_name="TN")
    report = AnnualReport.objects.create(year=2021)
    SectionText.objects.create(
        report=report, key="voorwoord", narrative="Nog geheim concept", status="concept"
    )
    assert "Nog geheim concept" not in assemble(2021, "public", report=report).sections[0].narrative
    assert "Nog geheim concept" in assemble(2021, "network", report=report).sections[0].narrative


def test_the_back_office_is_the_network_offices_alone(db: None, client: Client) -> None:
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 302
    client.force_login(UserFactory(is_staff=True, office=True))
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/bijeenkomsten/kalender/0/",
        "/bijeenkomsten/kalender/9999/12/",
        "/lobby/resultaten/0/",
        "/lobby/tijdlijn/0/",
        "/jaarverslag/0/",
    ],
)
def test_a_year_out_of_range_is_not_found_not_an_error(db: None, client: Client, url: str) -> None:
    assert client.get(url).status_code == 404


def test_people_are_listed_with_the_roles_a_visitor_may_see(db: None, client: Client) -> None:
    person = PersonFactory(name="Petra Publiek")
    RoleFactory(person=person, body=BodyFactory(name="Open groep"))
    RoleFactory(person=person, body=BodyFactory(name="Dichte groep", visibility="restricted"))
    page = client.get(reverse("registry:people")).content.decode()
    assert "Petra Publiek" in page and "Open groep" in page and "Dichte groep" not in page
