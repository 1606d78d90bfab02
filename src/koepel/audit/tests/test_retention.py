"""`koepel anonymise-expired` and the logs: entries of the audit trail older than the retention
period lose their IP address; sign-in records of the lockout older than it are deleted."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from auditlog.models import LogEntry
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koepel.accounts.tests.factories import UserFactory
from koepel.core.tests.forms import form_data
from koepel.registry.models import Person
from koepel.registry.tests.factories import PersonFactory

DAYS = 730


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("anonymise_expired", *args, stdout=out)
    return out.getvalue()


def _edit(person: Person, title: str, address: str) -> LogEntry:
    office = UserFactory(office=True, is_staff=True, is_superuser=True)
    client = Client(REMOTE_ADDR=address)
    client.force_login(office)
    url = reverse("admin:registry_person_change", args=[person.pk])
    data = form_data(client.get(url).content)
    assert client.post(url, {**data, "title": title}).status_code == 302
    entry = LogEntry.objects.get_for_object(person).latest("timestamp")
    assert entry.remote_addr == address
    return entry


def _fail_sign_in(username: str, address: str) -> None:
    Client(REMOTE_ADDR=address).post(
        reverse("accounts:login"), {"username": username, "password": "verkeerd"}
    )


def _age(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


@pytest.fixture
def logs(db: None, settings: Any) -> dict[str, Any]:
    settings.KOEPEL_RETENTION_DAYS = DAYS
    person = PersonFactory(name="Anna de Vries", title="wethouder")
    old = _edit(person, "burgemeester", "203.0.113.7")
    old.additional_data = {"ip": "203.0.113.7", "proxy": {"remote_addr": "10.0.0.1"}, "x": "y"}
    old.save()
    LogEntry.objects.filter(pk=old.pk).update(timestamp=_age(DAYS + 1), remote_port=51234)
    recent = _edit(person, "raadslid", "198.51.100.9")
    LogEntry.objects.filter(pk=recent.pk).update(timestamp=_age(DAYS - 1))

    UserFactory(username="jansen")
    _fail_sign_in("jansen", "203.0.113.8")
    _fail_sign_in("pietersen", "203.0.113.9")
    AccessAttempt.objects.filter(username="jansen").update(attempt_time=_age(DAYS + 1))
    # Sign-ins, and the log of failures (off by default, kept when the settings turn it on).
    for model in (AccessLog, AccessFailureLog):
        for username, days in (("jansen", DAYS + 5), ("pietersen", DAYS - 5)):
            log = model.objects.create(
                username=username, ip_address="192.0.2.1", user_agent="browser", path_info="/"
            )
            model.objects.filter(pk=log.pk).update(attempt_time=_age(days))
    return {"old": old, "recent": recent}


def _state() -> list[Any]:
    return [
        list(
            LogEntry.objects.order_by("pk").values_list(
                "remote_addr", "remote_port", "additional_data", "actor_id", "changes"
            )
        ),
        list(AccessAttempt.objects.order_by("pk").values_list("username", "ip_address")),
        list(AccessFailureLog.objects.order_by("pk").values_list("username", "ip_address")),
        list(AccessLog.objects.order_by("pk").values_list("username", "ip_address")),
    ]


def test_old_trail_entries_lose_their_address_and_keep_who_and_what(
    logs: dict[str, Any],
) -> None:
    out = run()
    old = LogEntry.objects.get(pk=logs["old"].pk)
    assert (old.remote_addr, old.remote_port) == (None, None)
    assert old.additional_data == {"proxy": {}, "x": "y"}
    assert old.actor == logs["old"].actor
    assert old.changes == {"title": ["wethouder", "burgemeester"]}
    recent = LogEntry.objects.get(pk=logs["recent"].pk)
    assert recent.remote_addr == "198.51.100.9"
    assert "IP-adressen in het audittrail: 1 verwijderd" in out


def test_old_sign_in_records_are_deleted_and_recent_ones_kept(logs: dict[str, Any]) -> None:
    out = run()
    assert list(AccessAttempt.objects.values_list("username", flat=True)) == ["pietersen"]
    assert list(AccessFailureLog.objects.values_list("username", flat=True)) == ["pietersen"]
    # The office's own sign-ins of today (the edits above) stay as well.
    kept = set(AccessLog.objects.values_list("username", flat=True))
    assert "pietersen" in kept and "jansen" not in kept
    assert "inlogregistraties (aanmelden en afmelden): 1 verwijderd" in out
    assert "tellingen van mislukte inlogpogingen: 1 verwijderd" in out
    assert "mislukte inlogpogingen: 1 verwijderd" in out


def test_dry_run_counts_the_log_entries_and_changes_nothing(logs: dict[str, Any]) -> None:
    before = _state()
    out = run("--dry-run")
    assert _state() == before
    assert "IP-adressen in het audittrail: 1 te verwijderen" in out
    assert "inlogregistraties (aanmelden en afmelden): 1 te verwijderen" in out
    assert "tellingen van mislukte inlogpogingen: 1 te verwijderen" in out
    assert "mislukte inlogpogingen: 1 te verwijderen" in out


def test_running_again_finds_nothing_more_in_the_logs(logs: dict[str, Any]) -> None:
    run()
    after = _state()
    out = run()
    assert _state() == after
    assert "IP-adressen in het audittrail: 0 verwijderd" in out
    assert "mislukte inlogpogingen: 0 verwijderd" in out
