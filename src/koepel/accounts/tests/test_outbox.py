"""The office's outbox in Koepel's own pages: mail a refusing mail server did not take waits,
then fails, visible with its error and not lost; sent again from the page, it goes out once the
server is back. Only the office sees the page."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from post_office.models import STATUS, Email

from koepel.accounts.tests.factories import UserFactory
from koepel.core.tests.smtp import deliver_by_smtp, free_port, smtp_server
from koepel.meetings import services
from koepel.meetings.tests.factories import MeetingFactory
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def _rows(client: Client, **query: str) -> list[str]:
    page = client.get(reverse("accounts:outbox"), query)
    assert page.status_code == 200
    return [
        " ".join(row.get_text().split())
        for row in BeautifulSoup(page.content, "html.parser").select("tbody tr")
    ]


def test_mail_a_refusing_server_did_not_take_waits_in_the_outbox_and_goes_out_later(
    settings: Any,
) -> None:
    port = free_port()  # nothing listens: the mail server refuses every connection
    deliver_by_smtp(settings, port)
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 1}
    body = BodyFactory(name="Themagroep Sterke Keten")
    anna = PersonFactory(name="Anna Ambtenaar", email="anna@example.nl")
    RoleFactory(person=anna, body=body, function="lid")
    meeting = MeetingFactory(title="Overleg Sterke Keten", bodies=[body])
    services.meeting_invite(actor=UserFactory(office=True), meeting=meeting, people=[anna])
    office = Client()
    office.force_login(UserFactory(office=True))

    run_worker()  # first attempt: refused, waits for a retry
    assert Email.objects.get().status == STATUS.requeued
    [waiting] = _rows(office, status="wachtend")
    assert "Uitnodiging: Overleg Sterke Keten" in waiting and "wachtend" in waiting
    assert "anna@example.nl" in waiting and "Connection refused" in waiting

    Email.objects.update(scheduled_time=None)  # the retry is due
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 0}  # and it is the last
    call_command("send_queued_mail")  # second attempt, by the operator's command: refused
    email = Email.objects.get()
    assert email.status == STATUS.failed
    [failed] = _rows(office, status="mislukt")
    assert "mislukt" in failed and "Connection refused" in failed and " 2 " in f" {failed} "
    assert _rows(office, status="verstuurd") == []

    with smtp_server(port) as (inbox, _):
        answer = office.post(reverse("accounts:outbox-resend"), {"email": [email.pk]}, follow=True)
        assert "weer in de wachtrij" in " ".join(
            BeautifulSoup(answer.content, "html.parser").get_text().split()
        )
        run_worker()
    assert [message["Subject"] for message in inbox.messages] == [
        "Uitnodiging: Overleg Sterke Keten"
    ]
    assert Email.objects.get().status == STATUS.sent
    [sent] = _rows(office)
    assert "verzonden" in sent


def test_only_the_office_sees_the_outbox(db: None) -> None:
    member = Client()
    member.force_login(UserFactory())
    assert member.get(reverse("accounts:outbox")).status_code == 403
    assert member.post(reverse("accounts:outbox-resend"), {"email": ["1"]}).status_code == 403
    assert Client().get(reverse("accounts:outbox")).status_code == 302  # to sign in
