"""Titles, names and subjects are one line wherever they are typed: the site's forms, the back
office and the API refuse a line break in them with a message in Dutch, and save nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier
from koepel.api.services import token_create
from koepel.api.tests.conftest import ApiClient
from koepel.api.views.openapi import document_json
from koepel.meetings.models import Meeting
from koepel.registry.models import Organisation, Person
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

MESSAGE = "Schrijf dit op één regel, zonder regeleinde."
BREAKS = ["Bestuurlijk\r\noverleg", "Bestuurlijk\noverleg", "Bestuurlijk\u2028overleg"]


@pytest.fixture
def secretary(db: None) -> Any:
    body = BodyFactory(name="Themagroep Sterke Keten", slug="sterke-keten")
    person = PersonFactory(name="Sanne Secretaris", email="sanne@example.nl")
    RoleFactory(person=person, body=body, function="ambtelijk_secretaris")
    user = UserFactory(person=person)
    user.body = body
    return user


def _field_errors(response: Any) -> dict[str, str]:
    """The messages beside each field of the form on the page, by field name."""
    page = BeautifulSoup(response.content, "html.parser")
    found = {}
    for box in page.select(".form-field"):
        field = box.select_one("input[name], textarea[name], select[name]")
        if field is not None:
            found[field["name"]] = " ".join(e.get_text() for e in box.select(".field-error"))
    return found


def _problems(response: Any) -> list[tuple[str, str, str]]:
    params = response.json()["invalidParams"]
    return [(p["name"], p.get("code", ""), p["reason"]) for p in params]


def _api(user: Any) -> ApiClient:
    """A client with the user's own API token (set up with two steps, as their role needs)."""
    TOTPDevice.objects.get_or_create(user=user, name="app", defaults={"confirmed": True})
    _, secret = token_create(user=user, name="test")
    return ApiClient(secret)


@pytest.mark.parametrize("title", BREAKS)
def test_a_meeting_title_with_a_line_break_is_refused_on_the_page(
    secretary: Any, client: Client, title: str
) -> None:
    client.force_login(secretary)
    data = {
        "bodies": [secretary.body.pk],
        "title": title,
        "kind": "themasessie",
        "level": "bestuurlijk",
        "format": "online",
        "date": "2021-09-14",
        "location": "Zwolle\nCentrum",
        "visibility": "network",
    }
    response = client.post(reverse("meetings:plan"), data)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    errors = _field_errors(response)
    assert MESSAGE in errors["title"] and MESSAGE in errors["location"]
    assert not Meeting.objects.exists()
    # A break at the end, as pasted text often has, is only trimmed.
    data.update(title="Bestuurlijk overleg\r\n", location="Zwolle")
    assert client.post(reverse("meetings:plan"), data).status_code == 302
    assert Meeting.objects.get().title == "Bestuurlijk overleg"


def test_a_dossier_title_with_a_line_break_is_refused_on_the_page(
    secretary: Any, client: Client
) -> None:
    client.force_login(secretary)
    data = {
        "title": "Meer\nbanen",
        "goal": "Meer banen.\nIn elke gemeente.",  # more than one line is fine here
        "bodies": [secretary.body.pk],
        "visibility": "network",
    }
    response = client.post(reverse("advocacy:dossier-create"), data)
    assert response.status_code == 200
    assert MESSAGE in _field_errors(response)["title"]
    assert not Dossier.objects.exists()
    data["title"] = "Meer banen"
    assert client.post(reverse("advocacy:dossier-create"), data).status_code == 302
    assert Dossier.objects.get().goal == "Meer banen.\nIn elke gemeente."


def test_a_name_with_a_line_break_is_refused_in_the_back_office(db: None, client: Client) -> None:
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    add = reverse("admin:registry_organisation_add")
    data = {
        "name": "Ministerie van\r\nBZK",
        "slug": "bzk",
        "kind": "ministry",
        # The organisation's memberships of the network, none here.
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    response = client.post(add, data)
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Organisation.objects.exists()
    assert client.post(add, {**data, "name": "Ministerie van BZK"}).status_code == 302
    assert Organisation.objects.get().name == "Ministerie van BZK"


def test_the_api_refuses_a_line_break_in_a_title_or_a_name(secretary: Any) -> None:
    meeting = {
        "titel": "Bestuurlijk\noverleg",
        "soort": "themasessie",
        "niveau": "bestuurlijk",
        "vorm": "online",
        "datum": "2021-09-14",
        "gremia": ["sterke-keten"],
        "zichtbaarheid": "network",
    }
    response = _api(secretary).post("/api/v1/bijeenkomsten", meeting)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert ("titel", "line_break", MESSAGE) in _problems(response)
    assert not Meeting.objects.exists()
    assert (
        _api(secretary)
        .post("/api/v1/bijeenkomsten", {**meeting, "titel": "Bestuurlijk overleg"})
        .status_code
        == 201
    )

    office = _api(UserFactory(office=True))
    person = {"slug": "jan-jansen", "naam": "Jan\r\nJansen"}
    response = office.post("/api/v1/personen", person)
    assert response.status_code == 400
    assert ("naam", "line_break", MESSAGE) in _problems(response)
    assert not Person.objects.filter(slug="jan-jansen").exists()


def test_the_api_document_says_a_title_is_one_line() -> None:
    schemas = json.loads(document_json())["components"]["schemas"]
    title = schemas["Meeting"]["properties"]["titel"]
    assert "\n" not in title["pattern"] and title["pattern"].startswith("^[^\\n\\r")
    assert schemas["Person"]["properties"]["naam"]["pattern"] == title["pattern"]
    assert "pattern" not in schemas["Meeting"]["properties"]["onderwerpen"]
