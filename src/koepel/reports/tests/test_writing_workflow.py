"""The writing workflow of the annual report: the office gives a section to a writer with a
date, the writer hands it in "ter review", the office makes it final or sends it back with a
note; a progress page, and reminders before and after the date."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse

from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.models import Network
from koepel.registry.tests.factories import (
    BodyFactory,
    MembershipFactory,
    PersonFactory,
    RoleFactory,
)
from koepel.reports import services
from koepel.reports.models import SectionStatus, SectionText

YEAR = 2021


@pytest.fixture
def network(db: None) -> dict[str, Any]:
    Network.objects.create(name="Stedenverband Oost", short_name="SVO")
    MembershipFactory(start=dt.date(2019, 1, 1), start_precision="year")
    group = BodyFactory(name="Werkgroep Mobiliteit")
    secretary = PersonFactory(email="secretaris@example.nl")
    RoleFactory(person=secretary, body=group, function="ambtelijk_secretaris")
    MeetingFactory(
        title="Overleg over fietsen", bodies=[group], date=dt.date(2021, 5, 1), held=True
    )
    writer = PersonFactory(name="Ilse Schrijver", email="ilse@example.nl")
    return {
        "group": group,
        "key": f"body:{group.pk}",
        "secretary": UserFactory(person=secretary),
        "writer": UserFactory(person=writer),
        "office": UserFactory(office=True, email="bureau@example.nl"),
    }


@pytest.fixture(autouse=True)
def _mail_at_commit(
    django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Mail queued once a request commits goes out at once (the test's own transaction never
    commits)."""
    original = Client.post

    def post(self: Client, *args: Any, **kwargs: Any) -> Any:
        with django_capture_on_commit_callbacks(execute=True):
            return original(self, *args, **kwargs)

    monkeypatch.setattr(Client, "post", post)


def _version(network: dict[str, Any]) -> str:
    text = SectionText.objects.filter(key=network["key"]).first()
    return str(text.version if text else 1)


def _assign(client: Client, network: dict[str, Any], due: str = "2022-02-01") -> Any:
    return client.post(
        reverse("reports:section_assign", args=[YEAR, network["key"]]),
        {"writer": network["writer"].person_id, "due": due, "version": _version(network)},
    )


def _write(client: Client, network: dict[str, Any], words: str, status: str) -> Any:
    url = reverse("reports:section", args=[YEAR, network["key"]])
    form = BeautifulSoup(client.get(url).content, "html.parser")
    data = {"narrative": words, "status": status, "version": _version(network)}
    for index, _field in enumerate(
        form.find_all("textarea", attrs={"name": re.compile(r"^text_\d+$")})
    ):
        data[f"keep_{index}"] = "on"
        data[f"text_{index}"] = _field.get_text()
    return client.post(url, data)


def _review(client: Client, network: dict[str, Any], decision: str, note: str = "") -> Any:
    return client.post(
        reverse("reports:section_review", args=[YEAR, network["key"]]),
        {"decision": decision, "note": note, "version": _version(network)},
    )


def test_a_section_goes_from_writer_to_review_back_and_to_final(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["office"])
    assert _assign(client, network).status_code == 302
    (assigned,) = mail.outbox
    assert assigned.to == ["ilse@example.nl"]
    assert "Werkgroep Mobiliteit" in assigned.subject
    assert "1 februari 2022" in assigned.body
    assert f"/jaarverslag/{YEAR}/sectie/{network['key']}/" in assigned.body

    # The writer, who is not the body's secretary, may now write it, but not make it final.
    client.force_login(network["writer"])
    page = BeautifulSoup(
        client.get(reverse("reports:section", args=[YEAR, network["key"]])).content, "html.parser"
    )
    assert "definitief" not in [o["value"] for o in page.select("select[name=status] option")]
    refused = _write(client, network, "Fietsen stond voorop.", "definitief")
    assert refused.status_code == 200
    assert BeautifulSoup(refused.content, "html.parser").select(".field-error")
    assert not SectionText.objects.filter(status=SectionStatus.FINAL).exists()
    assert _write(client, network, "Fietsen stond voorop.", "ter_review").status_code == 302
    assert mail.outbox[-1].to == ["bureau@example.nl"]
    assert "klaar voor review" in mail.outbox[-1].subject

    # The office sends it back: a note is needed, and the writer gets it.
    client.force_login(network["office"])
    assert _review(client, network, "back").status_code == 400
    assert _review(client, network, "back", "Noem ook de fietsnota.").status_code == 302
    assert mail.outbox[-1].to == ["ilse@example.nl"]
    assert "Noem ook de fietsnota." in mail.outbox[-1].body
    assert SectionText.objects.get(key=network["key"]).status == SectionStatus.DRAFT

    client.force_login(network["writer"])
    page = client.get(reverse("reports:section", args=[YEAR, network["key"]])).content.decode()
    assert "Noem ook de fietsnota." in page
    _write(client, network, "Fietsen stond voorop, met de fietsnota.", "ter_review")

    client.force_login(network["office"])
    assert _review(client, network, "final").status_code == 302
    public = Client().get(reverse("reports:report", args=[YEAR])).content.decode()
    assert "Fietsen stond voorop, met de fietsnota." in public


def test_the_progress_page_counts_final_review_and_overdue_sections(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["office"])
    _assign(client, network, due="2022-01-15")
    page = BeautifulSoup(
        client.get(reverse("reports:progress", args=[YEAR])).content, "html.parser"
    )
    lead = page.select_one(".lead").get_text(" ")
    assert "0 van" in lead and "1 over de datum" in lead
    row = next(r for r in page.select("tbody tr") if "Werkgroep Mobiliteit" in r.get_text())
    assert "Ilse Schrijver" in row.get_text()
    assert "over de datum" in row.get_text()

    # The writer sees their own sections only; someone without sections sees none.
    client.force_login(network["writer"])
    rows = BeautifulSoup(
        client.get(reverse("reports:progress", args=[YEAR])).content, "html.parser"
    ).select("tbody tr")
    assert [r.th.get_text(strip=True) for r in rows] == [
        next(r.th.get_text(strip=True) for r in rows if "Mobiliteit" in r.get_text())
    ]
    client.force_login(UserFactory(person=PersonFactory()))
    assert not BeautifulSoup(
        client.get(reverse("reports:progress", args=[YEAR])).content, "html.parser"
    ).select("tbody tr")


def test_only_the_office_assigns_and_reviews(network: dict[str, Any], client: Client) -> None:
    for who in ("secretary", "writer"):
        client.force_login(network[who])
        assert _assign(client, network).status_code == 403
        assert _review(client, network, "final").status_code == 403
    assert not SectionText.objects.exists()
    assert Client().get(reverse("reports:progress", args=[YEAR])).status_code == 302


def test_a_writer_needs_an_account(network: dict[str, Any], client: Client) -> None:
    client.force_login(network["office"])
    nobody = PersonFactory(name="Zonder Account")
    response = client.post(
        reverse("reports:section_assign", args=[YEAR, network["key"]]),
        {"writer": nobody.pk, "due": "2022-02-01", "version": "1"},
    )
    # Only people with an account are offered; another is refused by name.
    assert response.status_code == 200
    assert BeautifulSoup(response.content, "html.parser").select(".field-error")
    assert not mail.outbox


def test_writers_are_reminded_once_before_the_date_and_once_after_it(
    network: dict[str, Any], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(network["office"])
    _assign(client, network, due="2022-02-01")
    mail.outbox.clear()

    def remind(on: dt.date) -> int:
        with django_capture_on_commit_callbacks(execute=True):
            return services.remind_writers(on)

    assert remind(dt.date(2022, 1, 20)) == 0  # too early
    assert remind(dt.date(2022, 1, 26)) == 1
    assert remind(dt.date(2022, 1, 27)) == 0  # once
    assert remind(dt.date(2022, 2, 1)) == 0  # the day itself: not yet late
    assert remind(dt.date(2022, 2, 2)) == 1
    assert remind(dt.date(2022, 2, 9)) == 0  # once
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Herinnering", "Over de datum"]
    assert all(m.to == ["ilse@example.nl"] for m in mail.outbox)


def test_a_section_handed_in_or_final_gets_no_reminder(
    network: dict[str, Any], client: Client
) -> None:
    client.force_login(network["office"])
    _assign(client, network, due="2022-02-01")
    client.force_login(network["writer"])
    _write(client, network, "Klaar.", "ter_review")
    mail.outbox.clear()
    assert services.remind_writers(dt.date(2022, 2, 5)) == 0
    assert not mail.outbox


def test_the_task_worker_sends_the_reminders_on_its_rounds(
    network: dict[str, Any], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from koepel.core import worker

    client.force_login(network["office"])
    _assign(client, network, due="2000-01-01")  # long past
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        worker.recurring()
        worker.recurring()
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Over de datum"]
