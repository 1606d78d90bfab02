"""`koepel anonymise-expired`: contact details and accounts go after the retention period;
names on the records stay."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.meetings.models import CalendarToken
from koepel.registry.models import Person, Role
from koepel.registry.tests.factories import PersonFactory, RoleFactory


@dataclass
class People:
    gone: Person
    current: Person
    recent: Person
    roleless: Person
    office: Person


def days_ago(days: int) -> dt.date:
    return timezone.localdate() - dt.timedelta(days=days)


def contact(name: str) -> Person:
    slug = name.lower().replace(" ", "-")
    return PersonFactory(name=name, email=f"{slug}@example.nl", phone="030 123 45 67")


@pytest.fixture
def people(db: None, settings: Any) -> People:
    settings.KOEPEL_RETENTION_DAYS = 730
    gone = contact("Anna Oud")
    RoleFactory(person=gone, start=days_ago(2000), end=days_ago(1500))
    RoleFactory(person=gone, start=days_ago(2000), end=days_ago(731))
    user = UserFactory(person=gone)
    TOTPDevice.objects.create(user=user, name="app", confirmed=True)
    CalendarToken.objects.create(person=gone)

    current = contact("Bert Nu")
    RoleFactory(person=current, start=days_ago(3000), end=None)
    UserFactory(person=current)

    recent = contact("Carla Kortgeleden")
    RoleFactory(person=recent, start=days_ago(3000), end=days_ago(2000))
    RoleFactory(person=recent, start=days_ago(1000), end=days_ago(729))
    UserFactory(person=recent)
    CalendarToken.objects.create(person=recent)

    roleless = contact("Dirk Gast")

    office = contact("Eva Bureau")
    RoleFactory(person=office, start=days_ago(3000), end=days_ago(1000))
    UserFactory(person=office, office=True)
    UserFactory(username="kantoor", office=True, is_superuser=True)  # linked to nobody
    return People(gone, current, recent, roleless, office)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("anonymise_expired", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[Any]:
    return [
        list(Person.objects.order_by("pk").values_list("name", "email", "phone")),
        list(User.objects.order_by("pk").values_list("username", "person_id")),
        list(CalendarToken.objects.order_by("pk").values_list("person_id", flat=True)),
        list(TOTPDevice.objects.order_by("pk").values_list("user_id", flat=True)),
        Role.objects.count(),
    ]


def test_person_past_the_period_loses_contact_details_and_account(people: People) -> None:
    out = run()
    assert "Anna Oud" in out
    gone = Person.objects.get(pk=people.gone.pk)
    assert gone.name == "Anna Oud"
    assert (gone.email, gone.phone) == ("", "")
    assert not User.objects.filter(person=gone).exists()
    assert not TOTPDevice.objects.filter(user__person=gone).exists()
    assert not CalendarToken.objects.filter(person=gone).exists()
    # The records that name them stay: their roles are history.
    assert Role.objects.filter(person=gone).count() == 2
    assert "personen met contactgegevens: 1 verwijderd" in out
    assert "accounts: 1 verwijderd" in out


def test_people_with_a_current_or_recent_role_are_untouched(people: People) -> None:
    run()
    for person in (people.current, people.recent, people.roleless, people.office):
        kept = Person.objects.get(pk=person.pk)
        assert kept.email and kept.phone, person.name
    for person in (people.current, people.recent, people.office):
        assert User.objects.filter(person=person).exists(), person.name
    assert CalendarToken.objects.filter(person=people.recent).exists()


def test_dry_run_changes_nothing_and_says_what_it_would_do(people: People) -> None:
    before = snapshot()
    out = run("--dry-run")
    assert snapshot() == before
    assert "Anna Oud" in out
    assert "Carla Kortgeleden" not in out
    assert "personen met contactgegevens: 1 te verwijderen" in out
    assert "accounts: 1 te verwijderen" in out
    assert "agenda-adressen: 1 te verwijderen" in out
    assert "Proefdraai: er is niets gewijzigd." in out


def test_running_twice_is_safe(people: People) -> None:
    run()
    after_first = snapshot()
    out = run()
    assert snapshot() == after_first
    assert "personen met contactgegevens: 0 verwijderd" in out
    assert "Niets te verwijderen." in out


def test_a_shorter_period_reaches_more_people(people: People, settings: Any) -> None:
    settings.KOEPEL_RETENTION_DAYS = 500
    run()
    assert Person.objects.get(pk=people.recent.pk).email == ""
    assert Person.objects.get(pk=people.current.pk).email != ""


def test_expired_sign_in_sessions_are_removed(db: None) -> None:
    old = SessionStore()
    old["_auth_user_id"] = "1"
    old.set_expiry(-60)
    old.create()
    live = SessionStore()
    live["_auth_user_id"] = "2"
    live.create()
    out = run()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert "verlopen inlogsessies: 1 verwijderd" in out
