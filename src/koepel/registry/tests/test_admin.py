"""The network office's back office validates through the same services as every other face."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.registry.models import Body, Person, Role
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


@pytest.fixture
def office(db: None, client: Client) -> Client:
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    return client


def test_the_office_adds_a_role_with_a_month_precise_start(office: Client) -> None:
    body, person = BodyFactory(), PersonFactory()
    response = office.post(
        reverse("admin:registry_role_add"),
        {
            "person": person.pk,
            "body": body.pk,
            "function": "voorzitter",
            "level": "bestuurlijk",
            "start": "2021-09-14",
            "start_precision": "month",
            "end_precision": "day",
        },
    )
    assert response.status_code == 302
    role = Role.objects.get()
    assert role.start.isoformat() == "2021-09-01"  # normalised by the service's validation


def test_an_end_before_the_start_is_refused_in_the_admin_in_dutch(office: Client) -> None:
    body, person = BodyFactory(), PersonFactory()
    response = office.post(
        reverse("admin:registry_role_add"),
        {
            "person": person.pk,
            "body": body.pk,
            "function": "lid",
            "start": "2021-06-14",
            "start_precision": "day",
            "end": "2021-06-01",
            "end_precision": "day",
        },
    )
    assert response.status_code == 200
    assert "De einddatum ligt vóór de begindatum" in response.content.decode()
    assert not Role.objects.exists()


def test_a_body_cannot_be_made_part_of_its_own_child(office: Client) -> None:
    parent = BodyFactory()
    child = BodyFactory(parent=parent)
    response = office.post(
        reverse("admin:registry_body_change", args=[parent.pk]),
        {
            "name": parent.name,
            "slug": parent.slug,
            "kind": parent.kind,
            "parent": child.pk,
            "ownership": "own",
            "visibility": "public",
            "position": 0,
            "start_precision": "day",
            "end_precision": "day",
            "roles-TOTAL_FORMS": 0,
            "roles-INITIAL_FORMS": 0,
            "participations-TOTAL_FORMS": 0,
            "participations-INITIAL_FORMS": 0,
        },
    )
    assert response.status_code == 200
    assert "onderdeel van zichzelf" in response.content.decode()
    parent.refresh_from_db()
    assert parent.parent is None


def test_deleting_a_person_who_still_holds_a_role_is_refused(office: Client) -> None:
    from koepel.registry.tests.factories import RoleFactory

    role = RoleFactory()
    response = office.post(
        reverse("admin:registry_person_delete", args=[role.person.pk]), {"post": "yes"}
    )
    assert response.status_code == 200  # the admin lists what protects it
    assert Body.objects.filter(pk=role.body.pk).exists()
    assert Role.objects.filter(pk=role.pk).exists()


def test_members_who_are_not_office_cannot_open_the_admin(db: None, client: Client) -> None:
    client.force_login(UserFactory())
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "name",
    [
        "library_document",
        "reports_annualreport",
        "meetings_meeting",
        "advocacy_dossier",
        "advocacy_lobbyaction",
        "advocacy_milestone",
        "registry_organisation",
        "registry_network",
    ],
)
def test_the_office_can_open_every_back_office_list_and_form(office: Client, name: str) -> None:
    assert office.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert office.get(reverse(f"admin:{name}_add")).status_code == 200


def test_the_back_office_names_in_dutch_what_still_refers_to_a_person(office: Client) -> None:
    role = RoleFactory(person__name="Pieter Verwijs", body__name="Themagroep Huur")
    address = reverse("admin:registry_person_delete", args=[role.person.pk])

    asked = office.get(address)
    confirmed = office.post(address, {"post": "yes"})

    for response in (asked, confirmed):
        assert response.status_code == 200
        text = response.content.decode()
        assert "persoon kan niet worden verwijderd" in text
        assert "Pieter Verwijs, lid Themagroep Huur" in text
    assert Person.objects.filter(pk=role.person.pk).exists()
