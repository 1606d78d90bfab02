"""Every e-mail waits in the queue until the task worker sends it: unchanged, with its
attachments, only once the change that wrote it commits, tried again while the mail server is
down, and visible to the network office when it failed for good."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.mail import EmailMultiAlternatives, send_mail
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from post_office.models import STATUS, Email

from koepel.accounts.tests.factories import UserFactory
from koepel.core.mail import SENDING_LOCK_KEY, send_queued_mail
from koepel.core.tests.filedb import new_installation, postgres_url, remove_installation
from koepel.core.tests.smtp import count_smtp_connections, deliver_by_smtp, free_port, smtp_server

ICS = "BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nSUMMARY:Overleg ‘Sterke Keten’ — €\r\nEND:VCALENDAR\r\n"
PDF = b"%PDF-1.4\n\x00\xff\xfe binary \x80\n%%EOF"


def run_worker() -> None:
    """What the task worker beside the web server does: run every task that is due, then stop."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def _text(response: Any) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def test_a_message_comes_out_of_the_queue_as_it_went_in(
    db: None, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = "Beste {{ naam }},\n\n{% debug %} blijft staan, {# ook dit #}.\n\nGroet,\nHet bureau\n"
    message = EmailMultiAlternatives(
        subject="Gewijzigd: {{ titel }} — 14 september",
        body=body,
        from_email="Netwerkbureau <bureau@netwerk.example>",
        to=["wethouder@gemeente.example"],
        cc=["secretaris@gemeente.example"],
        reply_to=["secretaris@netwerk.example"],
    )
    message.attach_alternative("<p>Beste {{ naam }}</p>", "text/html")
    message.attach("bijeenkomst.ics", ICS, "text/calendar; method=CANCEL")
    message.attach("agenda.pdf", PDF, "application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        assert message.send() == 1
        assert mail.outbox == []  # only queued while the transaction is open

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert (sent.subject, sent.body, sent.from_email) == (
        message.subject,
        body,
        message.from_email,
    )
    assert (sent.to, sent.cc) == (message.to, message.cc)
    assert sent.extra_headers["Reply-To"] == "secretaris@netwerk.example"
    assert [tuple(attachment) for attachment in sent.attachments] == [
        ("bijeenkomst.ics", ICS, "text/calendar; method=CANCEL"),
        ("agenda.pdf", PDF, "application/pdf"),
    ]
    assert [tuple(alternative) for alternative in sent.alternatives] == [
        ("<p>Beste {{ naam }}</p>", "text/html")
    ]
    calendar_part = next(
        part for part in sent.message().walk() if part.get_content_type() == "text/calendar"
    )
    assert calendar_part.get_param("method") == "CANCEL"
    assert calendar_part.get_filename() == "bijeenkomst.ics"
    assert Email.objects.get().status == STATUS.sent

    # The attachments wait among the private files, which no URL serves, not in MEDIA_ROOT.
    private = settings.KOEPEL_PRIVATE_ROOT
    assert sorted(path.suffix for path in private.rglob("*") if path.is_file()) == [".ics", ".pdf"]
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.ics"))


def test_a_change_that_is_rolled_back_sends_nothing(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        send_mail("Uitnodiging", "Komt u?", None, ["wethouder@gemeente.example"])
        raise RuntimeError("the change fails after the mail was written")
    assert mail.outbox == []
    assert not Email.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_while_the_mail_server_is_down_the_mail_waits_and_goes_out_when_it_is_back(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()  # nothing listens: every connection is refused
    deliver_by_smtp(settings, port)
    settings.POST_OFFICE = {**settings.POST_OFFICE, "RETRY_INTERVAL": timezone.timedelta(seconds=1)}
    opened = count_smtp_connections(monkeypatch)

    send_mail("Uitnodiging: Bestuur", "Komt u?", None, ["wethouder@gemeente.example"])
    assert opened == []  # queueing opens no connection
    run_worker()

    email = Email.objects.get()
    assert opened == [("127.0.0.1", port)]
    assert email.status == STATUS.requeued
    assert email.number_of_retries == 1
    [attempt] = email.logs.all()
    assert attempt.status == STATUS.failed
    assert attempt.exception_type == "ConnectionRefusedError"
    # The task planned its own next run for the moment the retry is due; nothing else waits.
    [planned] = DBTaskResult.objects.filter(status="READY")
    assert planned.task_path == "koepel.core.mail.send_queued_mail"
    assert planned.run_after == email.scheduled_time
    run_worker()  # too early: the retry is not due yet
    assert Email.objects.get().status == STATUS.requeued

    with smtp_server(port) as (inbox, _):
        time.sleep(max(0.0, (email.scheduled_time - timezone.now()).total_seconds()) + 0.1)
        run_worker()

    assert [message["Subject"] for message in inbox.messages] == ["Uitnodiging: Bestuur"]
    assert inbox.recipients == [["wethouder@gemeente.example"]]
    assert inbox.messages[0]["Message-ID"] == email.message_id
    email.refresh_from_db()
    assert email.status == STATUS.sent
    assert [log.status for log in email.logs.order_by("date")] == [STATUS.failed, STATUS.sent]
    assert not DBTaskResult.objects.filter(status="READY").exists()


@pytest.mark.django_db(transaction=True)
def test_the_office_sees_mail_that_failed_for_good_and_sends_it_again(
    settings: Any, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    deliver_by_smtp(settings, port)
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 0}
    send_mail("Agenda van het bestuur", "Zie de agenda.", None, ["wethouder@gemeente.example"])
    run_worker()
    email = Email.objects.get()
    assert email.status == STATUS.failed
    assert not DBTaskResult.objects.filter(status="READY").exists()  # no more retries

    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    index = _text(client.get(reverse("admin:index")))
    assert "Uitgaande e-mail" in index and "E-mails" in index
    listing = client.get(reverse("admin:post_office_email_changelist"), {"status__exact": "1"})
    rows = [
        " ".join(row.get_text().split())
        for row in BeautifulSoup(listing.content, "html.parser").select("#result_list tbody tr")
    ]
    assert len(rows) == 1
    assert "Agenda van het bestuur" in rows[0] and "mislukt" in rows[0]
    detail = _text(client.get(reverse("admin:post_office_email_change", args=[email.pk])))
    assert "Pogingen" in detail and "ConnectionRefusedError" in detail
    assert "Zie de agenda." in detail

    opened = count_smtp_connections(monkeypatch)
    with smtp_server(port) as (inbox, _):
        response = client.post(
            reverse("admin:post_office_email_changelist"),
            {"action": "send_again", "_selected_action": [email.pk]},
            follow=True,
        )
        assert "weer in de wachtrij" in _text(response)
        assert opened == []  # the page only queued it
        assert Email.objects.get().status == STATUS.queued
        run_worker()
    assert [message["Subject"] for message in inbox.messages] == ["Agenda van het bestuur"]
    assert Email.objects.get().status == STATUS.sent


@pytest.mark.django_db(transaction=True)
def test_an_operator_sends_the_queue_and_failed_mail_again_by_command(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    port = free_port()
    deliver_by_smtp(settings, port)
    settings.POST_OFFICE = {**settings.POST_OFFICE, "MAX_RETRIES": 0}
    send_mail("Herinnering", "Uw reactie graag.", None, ["ambtenaar@gemeente.example"])
    call_command("send_queued_mail")
    assert "Mislukt: 1." in capsys.readouterr().out

    with smtp_server(port) as (inbox, _):
        call_command("send_queued_mail", "--failed")
    out = capsys.readouterr().out
    assert "Weer in de wachtrij: 1" in out and "Verstuurd: 1." in out
    assert [message["Subject"] for message in inbox.messages] == ["Herinnering"]


# Mail as a web server left it when it stopped: queued, with no task in the worker's queue.
LEFT_OVER = """
import django
django.setup()
from django.core.mail import send_mail
from django_tasks_db.models import DBTaskResult
send_mail("Uitnodiging: Bestuur", "Komt u?", None, ["wethouder@gemeente.example"])
DBTaskResult.objects.all().delete()
"""
STARTUP_SECONDS = 120  # the first start collects the static files before anything else


def test_mail_left_in_the_queue_goes_out_when_koepel_serve_starts(tmp_path: Path) -> None:
    installation = new_installation(tmp_path / "data", "mail_after_restart")
    try:
        installation.koepel("migrate", "--no-input", "-v", "0")
        installation.python(LEFT_OVER)
        with smtp_server() as (inbox, port):
            env = {
                **installation.env,
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(port),
                "EMAIL_USE_TLS": "false",
                "LOG_LEVEL": "WARNING",
            }
            bind = f"127.0.0.1:{free_port()}"
            log_path = tmp_path / "serve.log"
            with log_path.open("wb") as log:
                server = subprocess.Popen(  # noqa: S603 - this Python, our own arguments
                    [sys.executable, "-m", "koepel.cli", "serve", "--bind", bind, "--workers", "1"],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            try:
                deadline = time.monotonic() + STARTUP_SECONDS
                while not inbox.messages and time.monotonic() < deadline:
                    assert server.poll() is None, log_path.read_text(errors="replace")
                    time.sleep(0.3)
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=30)
        assert [message["Subject"] for message in inbox.messages] == ["Uitnodiging: Bestuur"]
        assert "Wachtende e-mail is doorgegeven" in log_path.read_text(errors="replace")
    finally:
        remove_installation(installation)


@pytest.mark.skipif(postgres_url() is None, reason="needs PostgreSQL (set DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_while_another_server_sends_the_queue_this_one_waits_its_turn(
    settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    with smtp_server() as (inbox, port):
        deliver_by_smtp(settings, port)
        send_mail("Uitnodiging: Bestuur", "Komt u?", None, ["wethouder@gemeente.example"])
        DBTaskResult.objects.all().delete()
        url = urlsplit(postgres_url() or "")._replace(path=f"/{connection.settings_dict['NAME']}")
        with psycopg.connect(urlunsplit(url), autocommit=True) as other_server:
            other_server.execute("SELECT pg_advisory_lock(%s)", [SENDING_LOCK_KEY])
            call_command("send_queued_mail")
            assert "Een ander proces verstuurt" in capsys.readouterr().out
            send_queued_mail.enqueue()
            run_worker()
            assert inbox.messages == []
            # The worker looks again shortly, in case the other one missed this message.
            [planned] = DBTaskResult.objects.filter(status="READY")
            assert planned.run_after > timezone.now()
        run_worker()  # not yet
        assert inbox.messages == []
        call_command("send_queued_mail")
    assert [message["Subject"] for message in inbox.messages] == ["Uitnodiging: Bestuur"]
