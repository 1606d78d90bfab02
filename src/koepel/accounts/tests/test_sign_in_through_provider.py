"""Signing in through the network's own identity provider (OpenID Connect).

The provider is a real one: the certified ``oidc-provider`` for Node.js, started by this module
on the loopback address with Koepel's own configuration (``oidc_provider.mjs``: one client,
accounts with their address, whether it is verified, and how they signed in). A test goes
through Koepel's sign-in page with the Django test client and through the provider's pages with
an HTTP client of its own, as a browser would: Koepel sends it to the provider, the provider's
login form is posted, and the provider's answer (the callback with the code) is handed back to
Koepel, which exchanges the code with the provider itself.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
import requests
from auditlog.models import LogEntry
from axes.models import AccessLog
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from koepel.accounts.models import AllowedDomain, User
from koepel.accounts.tests.factories import UserFactory
from koepel.api.services import token_create
from koepel.registry.tests.factories import PersonFactory, RoleFactory

HERE = Path(__file__).resolve().parent
SCRIPT = HERE / "oidc_provider.mjs"
ROOT = HERE.parents[3]
CALLBACK = "http://testserver/inloggen/oidc/terug/"
INSTALL = "npm ci --ignore-scripts (in the checkout's root; `make test` does it)"
PROVIDER = "Gemeente Utrecht"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.fail(
            "Node.js is missing: the tests of signing in through an identity provider run a "
            "real OpenID provider with it. Install Debian's package: `apt-get install nodejs`.",
            pytrace=False,
        )
    if not (ROOT / "node_modules" / "oidc-provider" / "package.json").is_file():
        pytest.fail(
            "The npm package oidc-provider is missing: the tests of signing in through an "
            f"identity provider run it. Install it with `{INSTALL}`.",
            pytrace=False,
        )
    return node


@pytest.fixture(scope="module")
def provider() -> Iterator[str]:
    """The issuer address of a real OpenID provider on the loopback, for this module."""
    node = _node()
    port = _free_port()
    issuer = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(  # noqa: S603 - our own script, a fixed command
        [node, str(SCRIPT), str(port), CALLBACK],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{issuer}/.well-known/openid-configuration", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                output = process.stdout.read() if process.stdout else ""
                pytest.fail(f"The OpenID provider did not start:\n{output}", pytrace=False)
            time.sleep(0.1)
        yield issuer
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


@pytest.fixture
def configured(db: None, settings: Any, provider: str) -> str:
    settings.KOEPEL_OIDC_ISSUER = provider
    settings.KOEPEL_OIDC_CLIENT_ID = "koepel-test"
    settings.KOEPEL_OIDC_CLIENT_SECRET = "koepel-test-secret"
    settings.OIDC_RP_CLIENT_ID = "koepel-test"
    settings.OIDC_RP_CLIENT_SECRET = "koepel-test-secret"
    settings.KOEPEL_OIDC_PROVIDER_NAME = PROVIDER
    settings.KOEPEL_OIDC_MFA_ACR = []
    AllowedDomain.objects.create(domain="utrecht.example")
    return provider


def through_provider(client: Client, account: str, start: str = "/inloggen/oidc/") -> Any:
    """Sign in as ``account`` of the provider: Koepel's start address, the provider's pages
    (its login form posted as a browser would), and the provider's answer handed to Koepel.
    Returns Koepel's response to that answer."""
    answer = client.get(start)
    assert answer.status_code == 302, answer
    url = answer["Location"]
    browser = requests.Session()
    for _step in range(10):
        if url.startswith("http://testserver/"):
            parts = urlsplit(url)
            return client.get(f"{parts.path}?{parts.query}")
        page = browser.get(url, allow_redirects=False, timeout=10)
        if page.status_code in (302, 303):
            url = urljoin(url, page.headers["Location"])
            continue
        assert page.status_code == 200, page.text
        action = re.search(r'<form method="post" action="([^"]+)"', page.text)
        assert action, page.text
        posted = browser.post(
            urljoin(url, action.group(1)),
            data={"login": account},
            allow_redirects=False,
            timeout=10,
        )
        assert posted.status_code in (302, 303), posted.text
        url = urljoin(url, posted.headers["Location"])
    raise AssertionError("The provider never sent the browser back to Koepel.")


def messages_of(client: Client) -> str:
    return client.get("/inloggen/").content.decode()


def signed_in_as(client: Client) -> User | None:
    user = client.get("/account/").wsgi_request.user
    return user if user.is_authenticated else None


@pytest.fixture
def member(db: None) -> User:
    person = RoleFactory(function="lid", person__email="lid@utrecht.example").person
    return UserFactory(person=person)


@pytest.fixture
def office(db: None) -> User:
    person = PersonFactory(email="kantoor@utrecht.example")
    return UserFactory(person=person, office=True, is_staff=True, is_superuser=True)


# --- Off unless configured --------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_provider_there_is_no_button_and_no_route(client: Client, settings: Any) -> None:
    settings.KOEPEL_OIDC_ISSUER = ""
    page = client.get("/inloggen/").content.decode()
    assert "Inloggen via" not in page
    assert "/inloggen/oidc/" not in page
    assert client.get("/inloggen/oidc/").status_code == 404
    assert client.get("/inloggen/oidc/terug/?code=x&state=y").status_code == 404


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_provider_by_name(client: Client, configured: str) -> None:
    page = client.get("/inloggen/?next=/vergaderingen/").content.decode()
    assert f"Inloggen via {PROVIDER}" in page
    assert 'href="/inloggen/oidc/?next=/vergaderingen/"' in page


# --- Who is let in ----------------------------------------------------------------------------


def test_verified_address_in_an_allowed_domain_signs_the_person_in(
    client: Client, configured: str, member: User
) -> None:
    answer = through_provider(client, "lid")
    assert answer.status_code == 302
    assert answer["Location"] == "/mijn-werk/"
    assert signed_in_as(client) == member
    # A member without the duty of two steps goes straight on, as after a password.
    assert client.get("/mijn-werk/").status_code == 200
    # Recorded with the other sign-ins (django-axes' log), with the account's name.
    assert AccessLog.objects.filter(username=member.username).count() == 1
    member.refresh_from_db()
    assert member.last_login is not None


def test_the_page_asked_for_comes_after_signing_in(
    client: Client, configured: str, member: User
) -> None:
    answer = through_provider(client, "lid", start="/inloggen/oidc/?next=/account/")
    assert answer["Location"] == "/account/"
    unsafe = through_provider(Client(), "lid", start="/inloggen/oidc/?next=https://evil.example/")
    assert unsafe["Location"] == "/mijn-werk/"


def test_a_domain_the_office_did_not_allow_is_refused(
    client: Client, configured: str, member: User
) -> None:
    person = PersonFactory(email="lid@elders.example")
    UserFactory(person=person)
    users = User.objects.count()
    answer = through_provider(client, "elders")
    assert answer["Location"] == "/inloggen/"
    assert signed_in_as(client) is None
    page = messages_of(client)
    assert "Adressen die eindigen op @elders.example kunnen niet inloggen via Gemeente" in page
    assert User.objects.count() == users


def test_an_address_the_provider_did_not_verify_is_refused(
    client: Client, configured: str, member: User
) -> None:
    answer = through_provider(client, "onbevestigd")
    assert answer["Location"] == "/inloggen/"
    assert signed_in_as(client) is None
    assert "heeft uw e-mailadres niet bevestigd" in messages_of(client)


NO_ACCOUNT = "Met dit adres kunt u niet inloggen bij Koepel."


def test_no_person_and_no_account_get_one_message_and_nothing_is_made(
    client: Client, configured: str
) -> None:
    # Nobody has the address.
    through_provider(client, "onbekend")
    assert signed_in_as(client) is None
    unknown = messages_of(client)
    # A person has it, but no account: the office invites first; nothing is made here.
    PersonFactory(email="niemand@utrecht.example")
    people_without = Client()
    through_provider(people_without, "onbekend")
    assert signed_in_as(people_without) is None
    known = messages_of(people_without)
    assert NO_ACCOUNT in unknown
    assert NO_ACCOUNT in known
    assert User.objects.count() == 0


def test_two_people_with_the_address_sign_nobody_in(client: Client, configured: str) -> None:
    for _n in range(2):
        UserFactory(person=PersonFactory(email="niemand@utrecht.example"))
    through_provider(client, "onbekend")
    assert signed_in_as(client) is None
    assert NO_ACCOUNT in messages_of(client)


def test_a_switched_off_account_is_refused_like_an_unknown_address(
    client: Client, configured: str, member: User
) -> None:
    member.is_active = False
    member.save()
    through_provider(client, "lid")
    assert signed_in_as(client) is None
    assert NO_ACCOUNT in messages_of(client)


def test_a_locked_out_account_stays_locked_out(
    client: Client, configured: str, member: User, settings: Any
) -> None:
    for _n in range(settings.AXES_FAILURE_LIMIT):
        Client().post("/inloggen/", {"username": member.username, "password": "fout"})
    through_provider(client, "lid")
    assert signed_in_as(client) is None
    assert "is een tijd geblokkeerd na te veel verkeerde wachtwoorden" in messages_of(client)


def test_an_answer_works_once_and_a_made_up_one_not_at_all(
    client: Client, configured: str, member: User
) -> None:
    made_up = client.get("/inloggen/oidc/terug/?code=abc&state=verzonnen")
    assert made_up["Location"] == "/inloggen/"
    assert "Inloggen via Gemeente Utrecht is niet gelukt" in messages_of(client)
    assert signed_in_as(client) is None


# --- The second step --------------------------------------------------------------------------


def test_office_without_a_second_factor_at_the_provider_gives_koepels_code(
    client: Client, configured: str, office: User
) -> None:
    TOTPDevice.objects.create(user=office, name="app", confirmed=True)
    answer = through_provider(client, "kantoor")
    assert answer["Location"] == "/mijn-werk/"
    assert client.get("/mijn-werk/")["Location"].startswith("/inloggen/code/")
    assert client.get("/beheer/").status_code == 302


def test_a_secretary_without_a_second_factor_at_the_provider_sets_koepels_up(
    client: Client, configured: str
) -> None:
    role = RoleFactory(function="ambtelijk_secretaris", person__email="kantoor@utrecht.example")
    UserFactory(person=role.person)
    through_provider(client, "kantoor")
    assert client.get("/mijn-werk/")["Location"].startswith("/account/tweestapsverificatie/")


def test_office_without_any_second_factor_sets_one_up(
    client: Client, configured: str, office: User
) -> None:
    through_provider(client, "kantoor")
    assert client.get("/mijn-werk/")["Location"].startswith("/account/tweestapsverificatie/")


def test_a_second_factor_at_the_provider_counts_as_the_second_step(
    client: Client, configured: str, office: User
) -> None:
    through_provider(client, "kantoor-mfa")
    assert client.get("/mijn-werk/").status_code == 200
    assert client.get("/beheer/").status_code == 200


def test_a_configured_acr_counts_as_the_second_step(
    client: Client, configured: str, office: User, settings: Any
) -> None:
    # Without the value configured, the same answer still asks for Koepel's own step.
    through_provider(client, "kantoor-acr")
    assert client.get("/mijn-werk/").status_code == 302
    settings.KOEPEL_OIDC_MFA_ACR = ["urn:test:loa:substantial"]
    second = Client()
    through_provider(second, "kantoor-acr")
    assert second.get("/mijn-werk/").status_code == 200


def test_the_providers_second_step_does_not_make_api_tokens_work(
    client: Client, configured: str, office: User
) -> None:
    """A token is used without the provider: it keeps the rule that the owner must have
    Koepel's own second factor (docs/api.md)."""
    _token, secret = token_create(user=office, name="script", expires_at=None)
    through_provider(client, "kantoor-mfa")
    assert client.get("/mijn-werk/").status_code == 200
    answer = Client().get("/api/v1/gemeenten", HTTP_AUTHORIZATION=f"Token {secret}")
    assert answer.status_code == 403


def test_resetting_the_second_step_ends_the_providers_mark(
    client: Client, configured: str, office: User
) -> None:
    from koepel.accounts.services import second_factor_reset

    through_provider(client, "kantoor-mfa")
    assert client.get("/mijn-werk/").status_code == 200
    second_factor_reset(user=office)
    assert client.get("/mijn-werk/")["Location"].startswith("/account/tweestapsverificatie/")


# --- A provider that does not answer ----------------------------------------------------------


@pytest.mark.django_db
def test_a_provider_that_is_down_gets_a_clear_message(client: Client, settings: Any) -> None:
    settings.KOEPEL_OIDC_ISSUER = f"http://127.0.0.1:{_free_port()}"
    settings.KOEPEL_OIDC_CLIENT_ID = "koepel-test"
    settings.KOEPEL_OIDC_PROVIDER_NAME = PROVIDER
    settings.OIDC_TIMEOUT = 2
    answer = client.get("/inloggen/oidc/")
    assert answer["Location"] == "/inloggen/"
    assert "Gemeente Utrecht is nu niet bereikbaar" in messages_of(client)


def test_a_provider_that_goes_down_during_sign_in_gets_the_same_message(
    client: Client, configured: str, member: User, settings: Any
) -> None:
    """Koepel sends the browser to the provider, which then stops answering Koepel (its token
    endpoint is elsewhere than Koepel can reach): the answer is refused with the message."""
    from koepel.accounts import oidc

    found = oidc.endpoints()
    dead = f"http://127.0.0.1:{_free_port()}/token"
    oidc._discovered[settings.KOEPEL_OIDC_ISSUER] = (
        time.monotonic() + 60,
        oidc.Endpoints(
            authorization=found.authorization,
            token=dead,
            userinfo=found.userinfo,
            jwks=found.jwks,
        ),
    )
    try:
        answer = through_provider(client, "lid")
    finally:
        oidc._discovered.clear()
    assert answer["Location"] == "/inloggen/"
    assert signed_in_as(client) is None
    assert "Gemeente Utrecht is nu niet bereikbaar" in messages_of(client)


# --- The office's list of domains -------------------------------------------------------------


@pytest.mark.django_db
def test_the_office_keeps_the_list_of_domains(
    client: Client, settings: Any, django_assert_max_num_queries: Any
) -> None:
    office = UserFactory(office=True, is_staff=True, is_superuser=True)
    client.force_login(office)
    added = client.post("/accounts/domeinen/", {"domain": " @Utrecht.Example "}, follow=True)
    assert "@utrecht.example kunnen nu inloggen" in added.content.decode()
    allowed = AllowedDomain.objects.get()
    assert (allowed.domain, allowed.added_by) == ("utrecht.example", office)
    again = client.post("/accounts/domeinen/", {"domain": "utrecht.example"})
    assert "utrecht.example staat al op de lijst." in again.content.decode()
    wrong = client.post("/accounts/domeinen/", {"domain": "lid@utrecht"})
    assert "Typ een domein zoals utrecht.nl" in wrong.content.decode()
    for n in range(5):
        AllowedDomain.objects.create(domain=f"gemeente{n}.example", added_by=office)
    with django_assert_max_num_queries(12):
        listed = client.get("/accounts/domeinen/")
    assert listed.content.decode().count('<th scope="row">') == 6
    removed = client.post(f"/accounts/domeinen/{allowed.pk}/verwijderen/", follow=True)
    assert "@utrecht.example kunnen niet meer inloggen" in removed.content.decode()
    assert not AllowedDomain.objects.filter(domain="utrecht.example").exists()
    # Both changes are in the trail, under the office's name.
    trail = LogEntry.objects.filter(content_type__model="alloweddomain", object_pk=allowed.pk)
    assert sorted(trail.values_list("action", "actor")) == [
        (LogEntry.Action.CREATE, office.pk),
        (LogEntry.Action.DELETE, office.pk),
    ]


@pytest.mark.django_db
def test_only_the_office_sees_the_list_of_domains(client: Client) -> None:
    allowed = AllowedDomain.objects.create(domain="utrecht.example")
    client.force_login(UserFactory(person=RoleFactory(function="lid").person))
    assert client.get("/accounts/domeinen/").status_code == 403
    assert client.post("/accounts/domeinen/", {"domain": "elders.example"}).status_code == 403
    assert client.post(f"/accounts/domeinen/{allowed.pk}/verwijderen/").status_code == 403
    assert list(AllowedDomain.objects.values_list("domain", flat=True)) == ["utrecht.example"]
