"""A province, a water board or another organisation may be a member of the network: it is
shown and counted as a member, never as a city, and a membership names exactly one member."""

from __future__ import annotations

import datetime as dt

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.registry import services
from koepel.registry.models import Membership, Municipality, Organisation
from koepel.registry.tests.factories import (
    MembershipFactory,
    MunicipalityFactory,
    OrganisationFactory,
)

ONE_OF_TWO = (
    "Een lid is een gemeente of een organisatie: vul precies één van de twee velden in, "
    "gemeente of organisatie."
)


@pytest.fixture
def members(db: None) -> Organisation:
    for name in ("Zwolle", "Ede"):
        MembershipFactory(municipality__name=name, start=dt.date(2018, 1, 1))
    province = OrganisationFactory(name="Provincie Overijssel", slug="overijssel", kind="province")
    MembershipFactory(municipality=None, organisation=province, start=dt.date(2020, 1, 1))
    return province


def _page(client: Client, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def _numbers(page: BeautifulSoup) -> dict[str, str]:
    figures = page.find("dl", class_="key-numbers")
    return {
        div.dt.get_text(strip=True): div.dd.get_text(strip=True) for div in figures.find_all("div")
    }


def test_the_home_page_counts_an_organisation_as_a_member_but_not_as_a_city(
    members: Organisation, client: Client
) -> None:
    numbers = _numbers(_page(client, reverse("registry:home")))
    assert numbers["Lidgemeenten"] == "2"
    assert numbers["Andere leden"] == "1"


def test_a_network_of_cities_only_shows_no_other_members(db: None, client: Client) -> None:
    MembershipFactory(municipality__name="Zwolle")
    assert "Andere leden" not in _numbers(_page(client, reverse("registry:home")))
    assert "Andere leden" not in _page(client, reverse("registry:municipalities")).get_text()


def test_the_members_page_lists_the_organisation_apart_from_the_cities(
    members: Organisation, client: Client
) -> None:
    page = _page(client, reverse("registry:municipalities"))
    cities = [row.th.get_text(strip=True) for row in page.find("tbody").find_all("tr")]
    assert sorted(cities) == ["Ede", "Zwolle"]
    assert "Het netwerk heeft 2 lidgemeenten." in page.get_text(" ", strip=True)
    others = page.find("section", attrs={"aria-labelledby": "other-members-heading"})
    assert others.h2.get_text(strip=True) == "Andere leden"
    assert others.find("a", href=members.get_absolute_url()).get_text() == "Provincie Overijssel"
    assert "provincie" in others.get_text()


def test_a_member_that_left_is_not_among_the_other_members(db: None, client: Client) -> None:
    board = OrganisationFactory(name="Waterschap Drents Overijsselse Delta", kind="water_board")
    MembershipFactory(
        municipality=None,
        organisation=board,
        start=dt.date(2019, 1, 1),
        end=dt.date(2020, 12, 31),
    )
    assert "Waterschap" not in _page(client, reverse("registry:municipalities")).get_text()
    page = _page(client, board.get_absolute_url()).get_text(" ", strip=True)
    assert "Lidmaatschap" in page and "waterschap" in page


def test_the_organisation_page_says_since_when_it_is_a_member(
    members: Organisation, client: Client
) -> None:
    page = _page(client, members.get_absolute_url())
    facts = page.find("dl", class_="facts")
    labels = [dt_.get_text(strip=True) for dt_ in facts.find_all("dt")]
    assert "Lidmaatschap" in labels
    assert "2020" in facts.find_all("dd")[labels.index("Lidmaatschap")].get_text()


def test_a_membership_of_both_or_neither_is_refused_with_a_message_naming_the_fields(
    db: None,
) -> None:
    city, province = MunicipalityFactory(), OrganisationFactory(kind="province")
    for membership in (
        Membership(municipality=city, organisation=province),
        Membership(municipality=None, organisation=None),
    ):
        with pytest.raises(ValidationError) as refused:
            services.membership_save(membership=membership)
        assert refused.value.messages == [ONE_OF_TWO]  # said once, on the field to correct
    assert not Membership.objects.exists()


def test_the_database_refuses_a_membership_of_both_or_neither(db: None) -> None:
    city, province = MunicipalityFactory(), OrganisationFactory(kind="province")
    for both_or_neither in ({"municipality": city, "organisation": province}, {}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Membership.objects.create(**both_or_neither)


@pytest.fixture
def office(db: None, client: Client) -> Client:
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    return client


def test_the_office_makes_an_organisation_a_member_in_the_back_office(office: Client) -> None:
    board = OrganisationFactory(name="Waterschap Vallei en Veluwe", slug="wvv", kind="water_board")
    response = office.post(
        reverse("admin:registry_organisation_change", args=[board.pk]),
        {
            "name": board.name,
            "abbreviation": "",
            "slug": board.slug,
            "kind": "water_board",
            "tooi_uri": "",
            "website": "",
            "version": board.version,
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-0-start": "2022-01-01",
            "memberships-0-start_precision": "year",
            "memberships-0-end_precision": "day",
        },
    )
    assert response.status_code == 302, response.content.decode()
    membership = Membership.objects.get()
    assert (membership.organisation, membership.municipality) == (board, None)
    # The city's own page offers no organisation field in its memberships.
    form = BeautifulSoup(
        office.get(
            reverse("admin:registry_municipality_change", args=[MunicipalityFactory().pk])
        ).content,
        "html.parser",
    )
    assert form.find(attrs={"name": "memberships-0-start"}) is None  # no rows yet
    assert form.find(attrs={"name": "memberships-__prefix__-organisation"}) is None
    assert form.find(attrs={"name": "memberships-__prefix__-start"}) is not None
    assert not Municipality.objects.filter(memberships__organisation=board).exists()
