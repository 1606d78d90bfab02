"""A joint meeting is told once in full, in the section of the body that organised it, and the
sections of its other bodies refer to it in a sentence that names the organiser. The secretary
says which body organised it when planning the meeting; the report page follows."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import Guest, Meeting
from koepel.registry.models import Network
from koepel.registry.tests.factories import BodyFactory, PersonFactory

YEAR = 2024


@pytest.fixture
def network(db: None) -> dict[str, Any]:
    Network.objects.create(name="Deltanetwerk", short_name="DN")
    water = BodyFactory(name="Pijler Water", slug="water", kind="pillar", position=1)
    # Dijken comes first in the report; Kust, beneath the same pillar, organises the meeting.
    dijken = BodyFactory(name="Themagroep Dijken", slug="dijken", parent=water, position=1)
    kust = BodyFactory(name="Themagroep Kust", slug="kust", parent=water, position=2)
    return {"water": water, "dijken": dijken, "kust": kust, "office": UserFactory(office=True)}


def _plan(client: Client, bodies: list[Any], organiser: Any | None) -> Any:
    form = BeautifulSoup(client.get(reverse("meetings:plan")).content, "html.parser")
    data = {
        "bodies": [b.pk for b in bodies],
        "organiser": organiser.pk if organiser is not None else "",
        "title": "Bijeenkomst over zandsuppletie",
        "kind": "themasessie",
        "level": "bestuurlijk",
        "format": "fysiek",
        "date": f"{YEAR}-03-12",
        "visibility": "public",
        "submission": form.find("input", attrs={"name": "submission"})["value"],
    }
    return client.post(reverse("meetings:plan"), data)


def _sections(client: Client) -> dict[str, str]:
    """The report page's sections as a browser gets them: id → their prose."""
    page = BeautifulSoup(client.get(reverse("reports:report", args=[YEAR])).content, "html.parser")
    return {
        section["id"]: " ".join(
            p.get_text(" ", strip=True) for p in section.select("p.report-prose")
        )
        for section in page.select("section.report-section")
    }


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.])\s+(?=[A-Z])", text) if s.strip()]


def test_a_joint_meeting_is_told_in_full_once_under_the_body_that_organised_it(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["office"])
    response = _plan(client, [network["dijken"], network["kust"]], network["kust"])
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.organiser == network["kust"]
    minister = PersonFactory(name="Jansen", title="minister")
    Guest.objects.create(meeting=meeting, person=minister, topic="de kustverdediging")
    client.logout()

    sections = _sections(client)
    dijken, kust = sections[f"body{network['dijken'].pk}"], sections[f"body{network['kust'].pk}"]
    full = "minister Jansen over de kustverdediging"
    assert [key for key, text in sections.items() if full in text] == [f"body{network['kust'].pk}"]
    assert (
        "hield de themagroep samen met de themagroep Dijken de bijeenkomst over zandsuppletie"
        in (kust)
    )
    assert (
        "Op 12 maart 2024 nam de themagroep Dijken deel aan de bijeenkomst over zandsuppletie, "
        "die de themagroep Kust organiseerde." in dijken
    )
    everything = [s for text in sections.values() for s in _sentences(text)]
    assert [s for s, n in Counter(everything).items() if n > 1] == []


def test_without_an_organiser_the_meeting_is_told_where_it_was_before_and_no_organiser_named(
    network: dict[str, Any], client: Client
) -> None:
    # A joint meeting recorded before its organiser was asked for has none: the report names
    # no organiser it does not know, and tells it under the first body in the report.
    client.force_login(network["office"])
    _plan(client, [network["dijken"], network["kust"]], network["kust"])
    Meeting.objects.update(organiser=None)
    client.logout()
    sections = _sections(client)
    kust = sections[f"body{network['kust'].pk}"]
    assert "beschreven bij de themagroep Dijken" in kust
    assert "organiseerde" not in " ".join(sections.values())


def test_the_plan_form_asks_which_body_organised_a_joint_meeting(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["office"])
    response = _plan(client, [network["dijken"], network["kust"]], None)
    assert response.status_code == 200
    assert "Kies welk van de gremia deze gezamenlijke bijeenkomst organiseerde." in (
        response.content.decode()
    )
    response = _plan(client, [network["dijken"]], network["kust"])
    assert response.status_code == 200
    assert "Themagroep Kust is niet een van de gremia van deze bijeenkomst." in (
        response.content.decode()
    )
    assert not Meeting.objects.exists()
    # A meeting of one body needs no choice: that body organised it.
    assert _plan(client, [network["dijken"]], None).status_code == 302
    assert Meeting.objects.get().organiser == network["dijken"]


def test_the_edit_page_keeps_the_organiser_and_changes_it_on_request(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["office"])
    _plan(client, [network["dijken"], network["kust"]], network["kust"])
    meeting = Meeting.objects.get()
    url = reverse("meetings:edit", args=[meeting.pk])
    form = BeautifulSoup(client.get(url).content, "html.parser")
    chosen = form.find("select", attrs={"name": "organiser"}).find("option", selected=True)
    assert chosen["value"] == str(network["kust"].pk)
    data = {
        "bodies": [network["dijken"].pk, network["kust"].pk],
        "organiser": network["dijken"].pk,
        "title": meeting.title,
        "kind": meeting.kind,
        "level": meeting.level,
        "format": meeting.format,
        "date": f"{YEAR}-03-12",
        "visibility": "public",
        "version": str(meeting.version),
    }
    assert client.post(url, data).status_code == 302
    meeting.refresh_from_db()
    assert meeting.organiser == network["dijken"]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Themagroep Dijken</a> (organisator)" in page


def test_the_public_report_does_not_name_a_closed_body_a_joint_meeting_was_held_with(
    network: dict[str, Any], client: Client
) -> None:
    """A public meeting of an open body and a closed one: the public report tells it under the
    open body and never names the closed one, as organiser nor as partner."""
    closed = BodyFactory(
        name="Themagroep Geheim",
        slug="geheim",
        parent=network["water"],
        position=3,
        visibility="restricted",
    )
    client.force_login(network["office"])
    assert _plan(client, [network["dijken"], closed], closed).status_code == 302
    meeting = Meeting.objects.get()
    assert meeting.organiser == closed
    client.logout()

    page = client.get(reverse("reports:report", args=[YEAR])).content.decode()
    assert "zandsuppletie" in page  # the meeting is public and told
    assert "Geheim" not in page
