"""A secretary edits a section and sees the report change; each audience sees only its records."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory
from koepel.reports.assemble import assemble


@pytest.fixture
def network(db: None) -> dict[str, Any]:
    Network.objects.create(name="Testnetwerk", short_name="TN")
    pillar = BodyFactory(name="Pijler Werk", kind="pillar")
    group = BodyFactory(name="Themagroep Banen", parent=pillar)
    secretary = PersonFactory()
    RoleFactory(person=secretary, body=group, function="ambtelijk_secretaris")
    MeetingFactory(title="Openbaar overleg", bodies=[group], date=dt.date(2021, 3, 1))
    MeetingFactory(
        title="Intern overleg", bodies=[group], date=dt.date(2021, 4, 1), visibility="network"
    )
    MeetingFactory(
        title="Eigen overleg", bodies=[group], date=dt.date(2021, 5, 1), visibility="body"
    )
    MeetingFactory(
        title="Geheim overleg", bodies=[group], date=dt.date(2021, 6, 1), restricted=True
    )
    return {"group": group, "secretary": UserFactory(person=secretary)}


def _section_text(report: Any, title: str) -> str:
    section = next(s for s in report.sections if s.title == title)
    return " ".join(f.text for f in section.facts) + section.narrative


def test_the_public_report_holds_public_records_the_internal_one_network_records_too(
    network: dict[str, Any],
) -> None:
    public = _section_text(assemble(2021, "public"), "Themagroep Banen")
    internal = _section_text(assemble(2021, "network"), "Themagroep Banen")
    assert "één keer bijeen" in public
    assert "twee keer bijeen" in internal  # the body-only and restricted ones never count


def test_a_secretary_edits_a_section_and_sees_the_report_change(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["secretary"])
    key = f"body:{network['group'].pk}"
    url = reverse("reports:section", args=[2021, key])
    form = BeautifulSoup(client.get(url).content, "html.parser")
    fact_fields = form.find_all("textarea", attrs={"name": re.compile(r"^text_\d+$")})
    assert fact_fields
    data = {
        "narrative": "De themagroep werkte dit jaar **hard**.",
        "status": "ter_review",
        "version": form.find("input", attrs={"name": "version"})["value"],
    }
    for index, field in enumerate(fact_fields):
        data[f"keep_{index}"] = "on"
        data[field["name"]] = field.get_text()
    data["text_0"] = "Het overleg kwam in 2021 één keer openbaar bijeen."
    response = client.post(url, data)
    assert response.status_code == 302

    internal = reverse("reports:report", args=[2021]) + "?versie=intern"
    page = client.get(internal).content.decode()
    assert "De themagroep werkte dit jaar <strong>hard</strong>." in page
    assert "Het overleg kwam in 2021 één keer openbaar bijeen." in page
    public = client.get(reverse("reports:report", args=[2021])).content.decode()
    assert "werkte dit jaar" not in public  # still under review: not for the public yet
    section = BeautifulSoup(public, "html.parser").find(id=f"body{network['group'].pk}")
    assert section.find(class_="tag").get_text() == "ter review"  # in words, not "ter_review"

    data.pop("keep_0")
    client.post(url, {**data, "status": "ter_review", "version": str(int(data["version"]) + 1)})
    # The office makes it final.
    client.force_login(UserFactory(office=True))
    client.post(
        reverse("reports:section_review", args=[2021, key]),
        {"decision": "final", "version": str(int(data["version"]) + 2)},
    )
    public = client.get(reverse("reports:report", args=[2021])).content.decode()
    assert "De themagroep werkte dit jaar <strong>hard</strong>." in public
    assert "één keer openbaar bijeen" not in public


def test_a_member_who_is_not_the_secretary_cannot_edit_the_section(
    network: dict[str, Any], client: Client
) -> None:
    member = PersonFactory()
    RoleFactory(person=member, body=network["group"])
    client.force_login(UserFactory(person=member))
    key = f"body:{network['group'].pk}"
    assert client.get(reverse("reports:section", args=[2021, key])).status_code == 403
    assert client.get(reverse("reports:section", args=[2021, "voorwoord"])).status_code == 403


def test_an_outsider_never_sees_a_restricted_meeting_in_the_report_page(
    network: dict[str, Any], client: Client
) -> None:
    for url in (
        reverse("reports:report", args=[2021]),
        reverse("reports:report", args=[2021]) + "?versie=intern",
    ):
        page = client.get(url).content.decode()
        assert "Geheim overleg" not in page and "Eigen overleg" not in page
