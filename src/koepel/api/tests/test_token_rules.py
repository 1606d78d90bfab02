"""A personal API token acts under the same rules as signing in on the pages.

- A token works only while its owner's account could sign in: whoever must sign in with two
  steps (the office, secretaries) must have set up a second factor, or every request with the
  token, read or write, is refused (403) with the way out.
- Resetting someone's two-step sign-in (a lost phone) or blocking their account revokes every
  token they have (401 from then on, also once the account is trusted again).
- A token may have an end, after which it is refused (401), and may be read-only (403 on every
  change, reads as before).

Tokens are made, and accounts reset and blocked, through the pages, as people do it.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.accounts.tests.test_two_step_sign_in import ENROL, enrol
from koepel.api import services
from koepel.api.models import ApiToken
from koepel.api.problems import PROBLEM_CONTENT_TYPE
from koepel.api.tests.conftest import ApiClient
from koepel.audit.trail import Token, action_code, token
from koepel.core.tests.forms import form_data
from koepel.meetings.models import Meeting
from koepel.registry.models import Body
from koepel.registry.tests.factories import BodyFactory, PersonFactory, RoleFactory

MEETINGS = "/api/v1/bijeenkomsten"
TOKENS = "/account/api-sleutels/"


def _meeting(title: str) -> dict[str, Any]:
    return {
        "titel": title,
        "soort": "themasessie",
        "niveau": "bestuurlijk",
        "vorm": "online",
        "datum": "2031-09-14",
        "gremia": ["sterke-keten"],
    }


@pytest.fixture
def body(db: None) -> Body:
    return BodyFactory(slug="sterke-keten", name="Themagroep Sterke Keten")


@pytest.fixture
def office() -> Client:
    client = Client()
    client.force_login(UserFactory(office=True, is_staff=True, is_superuser=True))
    return client


def _signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _make_token(page: Client, name: str, **choices: str) -> str:
    """Make a token on the API tokens page, as its owner does; returns the secret shown once."""
    response = page.post(TOKENS, {"name": name, "lifetime": "", **choices})
    assert response.status_code == 200, response.content.decode()[:2000]
    found = re.search(r'<code class="token-secret">([^<]+)</code>', response.content.decode())
    assert found, "the new token is not on the page"
    return found.group(1)


def _secretary(body: Body) -> User:
    """A secretary who has set up two-step sign-in (the way the pages require)."""
    user = UserFactory(person=RoleFactory(body=body, function="ambtelijk_secretaris").person)
    page = _signed_in(user)
    enrol(page, user)
    return user


def _refused_for_second_factor(response: Any) -> None:
    assert response.status_code == 403
    assert response["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "tweestapsverificatie" in response.json()["detail"]


def test_a_member_who_becomes_secretary_needs_two_step_sign_in_before_her_token_acts(
    body: Body,
) -> None:
    person = PersonFactory(name="Mila Lid")
    RoleFactory(person=person, body=body, function="lid")
    mila = UserFactory(person=person)
    page = _signed_in(mila)
    api = ApiClient(_make_token(page, "agenda"))
    assert api.get(MEETINGS).status_code == 200  # a member signs in with a password alone

    # She becomes the body's secretary: the pages now send her to set up two-step sign-in, and
    # her token neither reads nor writes until she has.
    RoleFactory(person=person, body=body, function="ambtelijk_secretaris")
    assert page.get(reverse("meetings:meetings"))["Location"].startswith(ENROL)
    _refused_for_second_factor(api.get(MEETINGS))
    _refused_for_second_factor(api.get(f"/api/v1/gremia/{body.slug}"))
    _refused_for_second_factor(api.post(MEETINGS, _meeting("Voordat zij twee stappen had")))
    assert not Meeting.objects.exists()

    enrol(page, mila)
    assert api.get(MEETINGS).status_code == 200
    planned = api.post(MEETINGS, _meeting("Nadat zij twee stappen had"))
    assert planned.status_code == 201, planned.json()
    entries = LogEntry.objects.get_for_object(Meeting.objects.get())
    assert {(action_code(entry), entry.actor) for entry in entries} == {
        ("meetings.meeting.create", mila),
        ("meetings.meeting.update", mila),  # its bodies
    }


def test_a_member_without_two_step_sign_in_keeps_using_her_token(body: Body) -> None:
    member = UserFactory(person=RoleFactory(body=body, function="lid").person)
    api = ApiClient(_make_token(_signed_in(member), "dashboard"))
    assert api.get(MEETINGS).status_code == 200
    assert api.get("/api/v1/zoeken?q=wonen").status_code == 200


def test_the_office_without_a_second_factor_is_refused_as_well(db: None) -> None:
    office_user = UserFactory(office=True)
    _, secret = services.token_create(user=office_user, name="import")
    _refused_for_second_factor(ApiClient(secret).get("/api/v1/gemeenten"))


def test_resetting_two_step_sign_in_revokes_every_token(body: Body, office: Client) -> None:
    sanne = _secretary(body)
    page = _signed_in(sanne)
    first, second = _make_token(page, "website"), _make_token(page, "agenda")
    assert ApiClient(first).post(MEETINGS, _meeting("Met de eerste")).status_code == 201

    # The office resets her second factor (a lost phone) with the action on the accounts list.
    reset = office.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_second_factor", "_selected_action": [sanne.pk]},
    )
    assert reset.status_code == 302
    for secret in (first, second):
        refused = ApiClient(secret).get(MEETINGS)
        assert refused.status_code == 401
        assert refused["Content-Type"] == PROBLEM_CONTENT_TYPE
        assert refused["WWW-Authenticate"] == "Token"
    assert not ApiToken.objects.filter(user=sanne, revoked_at__isnull=True).exists()

    # Setting up a new app does not bring the old tokens back; they are listed as revoked.
    page = _signed_in(sanne)
    enrol(page, sanne)
    assert ApiClient(first).get(MEETINGS).status_code == 401
    assert page.get(TOKENS).content.decode().count("ingetrokken op") == 2
    # The revocations are in the trail, made by the office.
    revoked = [
        entry
        for entry in LogEntry.objects.filter(
            content_type__model="apitoken", action=LogEntry.Action.UPDATE
        )
        if "revoked_at" in (entry.changes or {})
    ]
    assert len(revoked) == 2 and all(entry.actor and entry.actor.is_office for entry in revoked)


def test_blocking_an_account_revokes_every_token(body: Body, office: Client) -> None:
    sanne = _secretary(body)
    secret = _make_token(_signed_in(sanne), "website")
    assert ApiClient(secret).get(MEETINGS).status_code == 200

    change = reverse("admin:accounts_user_change", args=[sanne.pk])
    data = form_data(office.get(change).content)
    data.pop("is_active")  # the box "active" unticked
    assert office.post(change, data).status_code == 302
    assert ApiClient(secret).get(MEETINGS).status_code == 401
    assert ApiToken.objects.get(user=sanne).revoked_at is not None

    # Unblocked again, the account signs in again, but the token stays revoked.
    data = form_data(office.get(change).content)
    assert office.post(change, {**data, "is_active": "on"}).status_code == 302
    assert ApiClient(secret).get(MEETINGS).status_code == 401


def test_an_expired_token_is_refused(body: Body) -> None:
    sanne = _secretary(body)
    page = _signed_in(sanne)
    secret = _make_token(page, "proef", lifetime="30")
    made = ApiToken.objects.get(user=sanne)
    assert made.expires_at is not None
    assert made.expires_at - timezone.now() > dt.timedelta(days=29, hours=23)
    assert ApiClient(secret).get(MEETINGS).status_code == 200

    # Thirty days on: the moment has passed.
    ApiToken.objects.filter(pk=made.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = ApiClient(secret).post(MEETINGS, _meeting("Te laat"))
    assert refused.status_code == 401
    assert "verlopen" in refused.json()["detail"]
    assert ApiClient(secret).get(MEETINGS).status_code == 401
    listed = page.get(TOKENS).content.decode()
    assert "verlopen op" in listed and "proef intrekken" not in listed
    with pytest.raises(ValidationError):
        services.token_create(user=sanne, name="gisteren", expires_at=timezone.now())


def test_a_read_only_token_reads_but_changes_nothing(body: Body) -> None:
    sanne = _secretary(body)
    page = _signed_in(sanne)
    reading = ApiClient(_make_token(page, "dashboard", read_only="on"))
    writing = ApiClient(_make_token(page, "agenda"))
    assert ApiToken.objects.get(name="dashboard").read_only
    planned = writing.post(MEETINGS, _meeting("Gepland"))
    assert planned.status_code == 201
    url = planned["Location"]

    assert reading.get(MEETINGS).status_code == 200
    assert reading.get(url).status_code == 200
    refused = reading.post(MEETINGS, _meeting("Niet gepland"))
    assert refused.status_code == 403
    assert refused["Content-Type"] == PROBLEM_CONTENT_TYPE
    assert "alleen lezen" in refused.json()["detail"]
    assert reading.change("patch", url, {"locatie": "Zwolle"}).status_code == 403
    assert reading.change("delete", url).status_code == 403
    meeting = Meeting.objects.get()
    assert (meeting.title, meeting.location) == ("Gepland", "")
    assert "alleen lezen" in page.get(TOKENS).content.decode()


def test_each_api_change_names_the_person_and_the_token(body: Body, office: Client) -> None:
    sanne = _secretary(body)
    secret = _make_token(_signed_in(sanne), "agenda")
    planned = ApiClient(secret).post(MEETINGS, _meeting("Overleg"))
    assert planned.status_code == 201
    made = ApiToken.objects.get(user=sanne)
    entries = list(LogEntry.objects.get_for_object(Meeting.objects.get()))
    assert {action_code(entry) for entry in entries} == {
        "meetings.meeting.create",
        "meetings.meeting.update",
    }
    for entry in entries:
        assert entry.actor == sanne
        assert token(entry) == Token(id=made.pk, name="agenda")

    # The office sees the change under her name, with the token it came through.
    page = office.get(reverse("audit:actor", args=[sanne.pk])).content.decode()
    assert "meetings.meeting.create" in page and "API-sleutel “agenda”" in page
    assert reverse("audit:record", args=["api.apitoken", made.pk]) in page
