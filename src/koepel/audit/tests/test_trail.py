"""Every change leaves a trail: who, what, which record, before and after, when, from where.
The network office reads it per record and per account; nobody else does, and no secret is
ever stored in it."""

from __future__ import annotations

import io
import json
import re
from contextlib import redirect_stdout

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.test import Client
from django.urls import reverse

from koepel import cli
from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.advocacy.models import Dossier
from koepel.audit.registration import AUDITED, NOT_AUDITED, label_of, project_models
from koepel.audit.trail import action_code
from koepel.core.tests.forms import form_data
from koepel.meetings.models import CalendarToken
from koepel.meetings.services import calendar_token_renew
from koepel.registry.models import Person
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory


def _client(user: User, address: str = "198.51.100.23") -> Client:
    client = Client(REMOTE_ADDR=address)
    client.force_login(user)
    return client


def _office_user() -> User:
    return UserFactory(office=True, is_staff=True, is_superuser=True)


def test_every_project_model_is_in_the_trail_or_excluded_with_a_reason() -> None:
    missing = [
        label_of(model)
        for model in project_models()
        if label_of(model) not in NOT_AUDITED and not auditlog.contains(model)
    ]
    assert missing == [], f"models changed by Koepel but not audited: {missing}"
    assert all(len(reason) > 20 for reason in NOT_AUDITED.values())
    assert not set(AUDITED) & set(NOT_AUDITED)


def test_no_followed_model_keeps_a_field_that_looks_like_a_secret() -> None:
    secret = re.compile(r"password|token|secret|otp|session_key|api_key|private_key")
    kept = {
        label_of(model): [
            name
            for name in auditlog.get_model_fields(model)["include_fields"]
            if secret.search(name)
        ]
        for model in project_models()
        if auditlog.contains(model)
    }
    assert {label: names for label, names in kept.items() if names} == {}


@pytest.mark.django_db
def test_an_admin_edit_records_who_what_before_after_and_the_address() -> None:
    person = PersonFactory(name="Anna de Vries", title="wethouder")
    office_user = _office_user()
    client = _client(office_user, "203.0.113.7")
    url = reverse("admin:registry_person_change", args=[person.pk])
    data = form_data(client.get(url).content)

    assert client.post(url, {**data, "title": "burgemeester"}).status_code == 302

    entry = LogEntry.objects.get_for_object(person).latest("timestamp")
    assert action_code(entry) == "registry.person.update"
    assert entry.actor == office_user
    assert entry.remote_addr == "203.0.113.7"
    assert entry.changes == {"title": ["wethouder", "burgemeester"]}
    assert entry.object_pk == str(person.pk)


@pytest.mark.django_db
def test_a_page_edit_of_a_dossier_is_in_the_trail_and_readable_by_the_office() -> None:
    body = BodyFactory()
    secretary_person = PersonFactory(name="Sanne Secretaris")
    RoleFactory(person=secretary_person, body=body, function="ambtelijk_secretaris")
    secretary = UserFactory(person=secretary_person)
    writer = _client(secretary, "192.0.2.44")
    writer.post(
        reverse("advocacy:dossier-create"),
        {
            "title": "Opvang tot 21",
            "goal": "Opvang tot 21.",
            "bodies": [body.pk],
            "visibility": "public",
        },
    )
    dossier = Dossier.objects.get()
    edit = reverse("advocacy:dossier-edit", args=[dossier.slug])
    data = form_data(writer.get(edit).content)
    assert writer.post(edit, {**data, "goal": "Opvang en begeleiding tot 21."}).status_code == 302

    entries = list(LogEntry.objects.get_for_object(dossier).order_by("timestamp", "pk"))
    codes = [action_code(entry) for entry in entries]
    assert codes[0] == "advocacy.dossier.create"
    update = next(e for e in entries[1:] if e.changes and "goal" in e.changes)
    assert action_code(update) == "advocacy.dossier.update"
    assert update.changes["goal"] == ["Opvang tot 21.", "Opvang en begeleiding tot 21."]
    assert (update.actor, update.remote_addr) == (secretary, "192.0.2.44")

    # The office reads it on the record's history page, and by the secretary's account.
    office = _client(_office_user())
    record_page = office.get(reverse("audit:record", args=["advocacy.dossier", dossier.pk]))
    text = record_page.content.decode()
    assert record_page.status_code == 200
    assert "advocacy.dossier.update" in text
    assert "Opvang en begeleiding tot 21." in text and "192.0.2.44" in text
    assert "Sanne Secretaris" in text
    by_person = office.get(reverse("audit:actor", args=[secretary.pk]))
    assert by_person.status_code == 200
    assert "Opvang tot 21" in by_person.content.decode()
    # The dossier page offers the office the way there.
    page = office.get(dossier.get_absolute_url()).content.decode()
    assert reverse("audit:record", args=["advocacy.dossier", dossier.pk]) in page


@pytest.mark.django_db
def test_members_and_outsiders_cannot_read_the_trail() -> None:
    person = PersonFactory()
    body = BodyFactory()
    member_person = PersonFactory()
    RoleFactory(person=member_person, body=body)
    member = UserFactory(person=member_person)
    record = reverse("audit:record", args=["registry.person", person.pk])
    by_actor = reverse("audit:actor", args=[member.pk])

    outsider = Client()
    for url in (record, by_actor):
        response = outsider.get(url)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
        assert _client(member).get(url).status_code == 403
    # Nor is the way there shown to them.
    assert "/geschiedenis/" not in _client(member).get(person.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_no_password_or_feed_secret_ever_reaches_the_trail() -> None:
    office = _client(_office_user())
    password = "Zeer-geheim-wachtwoord-8472"
    response = office.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "nieuw",
            "password1": password,
            "password2": password,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="nieuw")
    new_password = "Ander-geheim-wachtwoord-5591"
    office.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": new_password, "password2": new_password},
    )
    user.refresh_from_db()
    assert user.check_password(new_password)
    person = PersonFactory()
    token = calendar_token_renew(person=person).token
    calendar_token_renew(person=person)
    assert CalendarToken.objects.filter(person=person).count() == 2

    stored = json.dumps(
        [
            [e.changes, e.changes_text, e.object_repr, e.serialized_data, e.additional_data]
            for e in LogEntry.objects.all()
        ],
        default=str,
    )
    assert LogEntry.objects.filter(content_type__model="user").exists()
    assert LogEntry.objects.filter(content_type__model="calendartoken").count() >= 3
    for secret in (password, new_password, user.password, token):
        assert secret not in stored
    assert "password" not in stored and '"token"' not in stored


# The command closes the database connections when it ends, as every management command does:
# outside a test transaction the next query simply opens a new one.
@pytest.mark.django_db(transaction=True)
def test_a_change_made_by_a_command_names_the_command() -> None:
    with redirect_stdout(io.StringIO()) as out:
        cli.main(["koepel", "office-account", "--username", "bureau"])
    assert "wachtwoord" in out.getvalue()
    user = User.objects.get(username="bureau")
    entry = LogEntry.objects.get_for_object(user).get()
    assert action_code(entry) == "accounts.user.create"
    assert entry.additional_data == {"command": "office-account"}
    assert entry.actor is None and entry.remote_addr is None
    office = _client(_office_user())
    page = office.get(reverse("audit:record", args=["accounts.user", user.pk])).content.decode()
    assert "koepel office-account" in page


@pytest.mark.django_db
def test_a_forwarded_address_counts_only_behind_our_own_proxy(settings: object) -> None:
    person = PersonFactory(title="a")
    office_user = _office_user()
    url = reverse("admin:registry_person_change", args=[person.pk])

    def edit(title: str, client: Client, forwarded: str = "6.6.6.6, 203.0.113.9") -> LogEntry:
        data = form_data(client.get(url).content)
        client.post(url, {**data, "title": title}, HTTP_X_FORWARDED_FOR=forwarded)
        return LogEntry.objects.get_for_object(person).latest("timestamp")

    client = _client(office_user, "10.0.0.5")
    assert edit("b", client).remote_addr == "10.0.0.5"  # a client can write any header
    settings.KOEPEL_BEHIND_PROXY = True  # type: ignore[attr-defined]
    assert edit("c", client).remote_addr == "203.0.113.9"  # the one our proxy added
    # Something that is no address is not believed, and does not break the change.
    assert edit("d", client, forwarded="203.0.113.9, geen-adres").remote_addr == "10.0.0.5"


@pytest.mark.django_db
def test_a_person_page_links_the_office_to_the_changes_made_by_that_person() -> None:
    person = PersonFactory(name="Piet Pieters")
    account = UserFactory(person=person)
    office = _client(_office_user())
    page = office.get(reverse("audit:record", args=["registry.person", person.pk]))
    assert reverse("audit:actor", args=[account.pk]) in page.content.decode()
    assert Person.objects.filter(pk=person.pk).exists()


@pytest.mark.django_db
def test_the_history_button_in_the_admin_opens_the_trail() -> None:
    person = PersonFactory()
    office = _client(_office_user())
    response = office.get(reverse("admin:registry_person_history", args=[person.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("audit:record", args=["registry.person", person.pk])
