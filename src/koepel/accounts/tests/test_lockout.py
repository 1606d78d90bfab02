"""After repeated wrong passwords a user name is locked out for a while; the person is told
until when, the network office is told at once and can lift the lockout."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from post_office.models import STATUS, Email

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.registry.models import Person
from koepel.registry.tests.factories import PersonFactory

PASSWORD = "geheim-wachtwoord-123"
LIMIT = 5


@pytest.fixture
def people(db: None, settings: Any) -> dict[str, Any]:
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
    return {
        "member": UserFactory(username="jansen", email="jansen@gemeente.example"),
        "office": UserFactory(username="bureau", email="bureau@netwerk.example", office=True),
        "office_without_mail": UserFactory(username="bureau2", email="", office=True),
    }


def _sign_in(client: Client, username: str, password: str, **headers: str) -> Any:
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **headers
    )


def _text(response: Any) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text().split())


def _fail(client: Client, username: str, times: int, **headers: str) -> Any:
    response = None
    for _ in range(times):
        response = _sign_in(client, username, "verkeerd-wachtwoord", **headers)
    return response


def test_wrong_passwords_below_the_limit_only_say_the_password_is_wrong(
    people: dict[str, Any], client: Client
) -> None:
    response = _fail(client, "jansen", LIMIT - 1)
    assert response.status_code == 200
    assert "geblokkeerd" not in _text(response)
    assert _sign_in(client, "jansen", PASSWORD).status_code == 302


def test_after_too_many_wrong_passwords_even_the_right_one_is_refused_until_a_given_time(
    people: dict[str, Any], client: Client
) -> None:
    response = _fail(client, "jansen", LIMIT)
    assert response.status_code == 429
    last = AccessAttempt.objects.get(username="jansen").attempt_time
    ends = timezone.localtime(last + dt.timedelta(minutes=15))
    text = _text(response)
    assert "Inloggen is even geblokkeerd" in text
    assert f"Het wachtwoord was {LIMIT} keer achter elkaar fout." in text
    # Said as a time today, or with its date when it ends after midnight.
    if ends.date() == timezone.localdate():
        until = f"om {ends:%H:%M}"
        assert f"U kunt het {until} weer proberen, over 15 minuten." in text
    else:
        until = f"{ends:%H:%M}"
        assert "U kunt het op " in text and f"{until} weer proberen." in text
    assert "netwerkbureau" in text

    refused = _sign_in(client, "jansen", PASSWORD)
    assert refused.status_code == 429
    assert until in _text(refused)
    assert "_auth_user_id" not in client.session
    # Trying during the lockout does not push its end further away.
    assert AccessAttempt.objects.get(username="jansen").attempt_time == last


def test_the_lockout_ends_by_itself_after_the_cool_off(
    people: dict[str, Any], client: Client
) -> None:
    _fail(client, "jansen", LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    response = _sign_in(client, "jansen", PASSWORD)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == people["member"].pk


def test_changing_browser_does_not_get_round_the_lockout(
    people: dict[str, Any], client: Client
) -> None:
    for number in range(LIMIT):
        _sign_in(client, "jansen", "verkeerd-wachtwoord", HTTP_USER_AGENT=f"Browser {number}")
    refused = _sign_in(client, "jansen", PASSWORD, HTTP_USER_AGENT="Nog een browser")
    assert refused.status_code == 429


def test_a_lockout_from_one_address_leaves_the_name_free_from_every_other(
    people: dict[str, Any],
) -> None:
    """Someone elsewhere who guesses at the office's name pauses it for themselves alone."""
    office = UserFactory(username="kantoor", email="kantoor@netwerk.example", office=True)
    attacker = Client(REMOTE_ADDR="203.0.113.66")
    assert _fail(attacker, "kantoor", LIMIT).status_code == 429
    assert _sign_in(attacker, "kantoor", PASSWORD).status_code == 429

    at_the_office = Client(REMOTE_ADDR="192.0.2.10")
    response = _sign_in(at_the_office, "kantoor", PASSWORD)
    assert response.status_code == 302
    assert int(at_the_office.session["_auth_user_id"]) == office.pk
    # The other address's lockout holds on.
    assert _sign_in(attacker, "kantoor", PASSWORD).status_code == 429


def test_behind_the_proxy_the_address_it_adds_counts_not_what_the_client_wrote(
    people: dict[str, Any], settings: Any
) -> None:
    settings.KOEPEL_BEHIND_PROXY = True
    attacker = Client(REMOTE_ADDR="10.0.0.2")  # every request comes through the proxy
    for number in range(LIMIT):
        # A forged first entry does not make each attempt come from somewhere new.
        forwarded = f"198.51.100.{number}, 203.0.113.66"
        _sign_in(attacker, "jansen", "verkeerd-wachtwoord", HTTP_X_FORWARDED_FOR=forwarded)
    refused = _sign_in(attacker, "jansen", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert refused.status_code == 429
    elsewhere = _sign_in(
        Client(REMOTE_ADDR="10.0.0.2"), "jansen", PASSWORD, HTTP_X_FORWARDED_FOR="192.0.2.10"
    )
    assert elsewhere.status_code == 302


def test_one_colleague_locked_out_does_not_lock_out_the_others_at_the_same_address(
    people: dict[str, Any], client: Client
) -> None:
    _fail(client, "jansen", LIMIT)
    response = _sign_in(Client(), "bureau", PASSWORD)
    assert response.status_code == 302


def test_a_successful_sign_in_starts_the_count_again(
    people: dict[str, Any], client: Client
) -> None:
    _fail(client, "jansen", LIMIT - 1)
    assert _sign_in(client, "jansen", PASSWORD).status_code == 302
    client.logout()
    response = _fail(client, "jansen", LIMIT - 1)
    assert response.status_code == 200


def test_the_back_office_sign_in_is_locked_out_as_well(
    people: dict[str, Any], client: Client
) -> None:
    _fail(client, "bureau", LIMIT)
    response = client.post(
        reverse("admin:login"), {"username": "bureau", "password": PASSWORD, "next": "/beheer/"}
    )
    assert response.status_code == 429
    assert "Inloggen is even geblokkeerd" in _text(response)


def test_the_network_office_gets_one_email_per_lockout(
    people: dict[str, Any], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, "jansen", LIMIT - 1)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        _fail(client, "jansen", 1)
        _sign_in(client, "jansen", PASSWORD)  # refused, still the same lockout
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["bureau@netwerk.example"]
    assert "jansen" in message.subject
    assert f"{LIMIT} keer achter elkaar" in message.body
    assert "http://127.0.0.1:8000" + reverse("accounts:lockouts") in message.body


def test_a_name_without_an_account_is_locked_out_without_a_mail(
    people: dict[str, Any], client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        assert _fail(client, "bestaat-niet", LIMIT).status_code == 429
    assert mail.outbox == []
    assert not Email.objects.exists()


def test_one_mail_per_account_while_its_lockouts_follow_each_other(
    people: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(4):  # from four places, one after the other
            _fail(Client(REMOTE_ADDR=f"203.0.113.{number + 1}"), "jansen", LIMIT)
    assert len(mail.outbox) == 1
    assert "203.0.113.1" in mail.outbox[0].body
    # Once those lockouts are over, the next one is news again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
    with django_capture_on_commit_callbacks(execute=True):
        _fail(Client(REMOTE_ADDR="203.0.113.9"), "jansen", LIMIT)
    assert len(mail.outbox) == 2
    assert "203.0.113.9" in mail.outbox[1].body


def test_a_line_break_in_what_was_typed_never_breaks_a_mail(
    people: dict[str, Any], settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Typed as a user name: no account has it, so nothing is mailed, and nothing fails.
    with django_capture_on_commit_callbacks(execute=True):
        response = _fail(Client(), "jansen\r\nBcc: iemand@example.org", LIMIT)
    assert response.status_code == 429
    assert mail.outbox == [] and not Email.objects.exists()
    # A stored name (from before line breaks were refused) ends up in the mail on one line; a
    # forwarded "address" that is none is not believed (the proxy's own address counts).
    person = PersonFactory(name="Jan")
    Person.objects.filter(pk=person.pk).update(name="Jan\r\nJansen")
    User.objects.filter(pk=people["member"].pk).update(person=person)
    settings.KOEPEL_BEHIND_PROXY = True
    forged = {"HTTP_X_FORWARDED_FOR": "192.0.2.1\r\nBcc: x@example.org", "REMOTE_ADDR": "10.0.0.2"}
    with django_capture_on_commit_callbacks(execute=True):
        assert _fail(Client(), "jansen", LIMIT, **forged).status_code == 429
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert message.message()["Subject"].endswith(": jansen")
    assert "(account van Jan Jansen)" in message.body
    assert "vanaf adres 10.0.0.2." in message.body
    assert Email.objects.get().status == STATUS.sent


def test_the_office_sees_the_lockout_and_lifts_it(
    people: dict[str, Any], client: Client, django_assert_max_num_queries: Any
) -> None:
    _fail(Client(), "jansen", LIMIT, REMOTE_ADDR="192.0.2.7")
    _fail(Client(), "onbekende-naam", LIMIT)
    client.force_login(people["office"])
    with django_assert_max_num_queries(8):
        page = client.get(reverse("accounts:lockouts"))
    rows = [
        " ".join(row.get_text().split())
        for row in BeautifulSoup(page.content, "html.parser").select("tbody tr")
    ]
    assert len(rows) == 2
    jansen = next(row for row in rows if row.startswith("jansen"))
    assert "192.0.2.7" in jansen and str(LIMIT) in jansen
    assert any("onbekende-naam" in row and "geen account" in row for row in rows)

    response = client.post(reverse("accounts:lockout-lift"), {"username": "jansen"}, follow=True)
    assert "jansen kan weer inloggen" in _text(response)
    assert [
        row.get_text() for row in BeautifulSoup(response.content, "html.parser").select("tbody th")
    ] == ["onbekende-naam"]
    assert _sign_in(Client(), "jansen", PASSWORD).status_code == 302


def test_only_the_office_sees_or_lifts_lockouts(people: dict[str, Any], client: Client) -> None:
    _fail(Client(), "bureau", LIMIT)
    assert client.get(reverse("accounts:lockouts")).status_code == 302  # sign in first
    client.force_login(people["member"])
    assert client.get(reverse("accounts:lockouts")).status_code == 403
    response = client.post(reverse("accounts:lockout-lift"), {"username": "bureau"})
    assert response.status_code == 403
    assert _sign_in(Client(), "bureau", PASSWORD).status_code == 429
