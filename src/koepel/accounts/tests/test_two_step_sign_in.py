"""Signing in with two steps, through the pages: password, then a code from the app."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from koepel.accounts.models import User
from koepel.accounts.tests.factories import UserFactory
from koepel.registry.tests.factories import RoleFactory

PASSWORD = "geheim-wachtwoord-123"
LOGIN = "/inloggen/"
VERIFY = "/inloggen/code/"
ENROL = "/account/tweestapsverificatie/"


def code_for(device: TOTPDevice, drift: int = 0) -> str:
    """The code the user's authenticator app shows now (or ``drift`` steps on)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, drift):06d}"


def sign_in(client: Client, user: User, next_page: str = "/") -> Any:
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD, "next": next_page})


def enrol(client: Client, user: User) -> list[str]:
    """Set up the app through the enrolment page; returns the recovery codes shown."""
    page = client.get(ENROL)
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post(ENROL, {"code": code_for(device)}, follow=True)
    assert done.status_code == 200
    return re.findall(r"<li><code>([a-z2-7]+)</code></li>", done.content.decode())


@pytest.fixture
def secretary(db: None) -> User:
    role = RoleFactory(function="ambtelijk_secretaris")
    return UserFactory(person=role.person)


@pytest.fixture
def member(db: None) -> User:
    return UserFactory(person=RoleFactory(function="lid").person)


@pytest.fixture
def office_with_app(db: None) -> tuple[User, TOTPDevice]:
    user = UserFactory(office=True, is_staff=True, is_superuser=True)
    return user, TOTPDevice.objects.create(user=user, name="app", confirmed=True)


def test_office_signs_in_with_password_and_code(
    client: Client, office_with_app: tuple[User, TOTPDevice]
) -> None:
    user, device = office_with_app
    after_password = sign_in(client, user, "/bijeenkomsten/")
    assert after_password.status_code == 302
    # The password alone opens nothing: the page asked for waits behind the code.
    asked = client.get("/bijeenkomsten/")
    assert asked.status_code == 302
    assert asked["Location"].startswith(VERIFY)

    done = client.post(VERIFY, {"code": code_for(device), "next": "/bijeenkomsten/"})
    assert done.status_code == 302
    assert done["Location"] == "/bijeenkomsten/"
    assert client.get("/beheer/").status_code == 200


def test_wrong_code_says_so_in_plain_dutch(
    client: Client, office_with_app: tuple[User, TOTPDevice], settings: Any
) -> None:
    # After a wrong code the next try waits a minute (a second by default, too short to test).
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    user, device = office_with_app
    sign_in(client, user)
    wrong = "000000" if code_for(device) != "000000" else "111111"
    page = client.post(VERIFY, {"code": wrong})
    assert page.status_code == 200
    assert "Deze code klopt niet" in page.content.decode()
    # Still only the code page.
    assert client.get("/").status_code == 302
    # A right code straight after a wrong one waits a moment, and says until when.
    again = client.post(VERIFY, {"code": code_for(device)})
    assert "Te veel foute codes" in again.content.decode()


def test_code_is_asked_for_every_page_before_it_is_given(
    client: Client, office_with_app: tuple[User, TOTPDevice]
) -> None:
    user, _ = office_with_app
    sign_in(client, user)
    for url in [
        "/",
        "/gremia/",
        "/beheer/",
        "/beheer/accounts/user/",
        "/account/",
        ENROL,
        "/zoeken/?q=x",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(VERIFY), url


def test_recovery_code_works_once(client: Client, secretary: User) -> None:
    sign_in(client, secretary)
    codes = enrol(client, secretary)
    assert len(codes) == 10
    client.post("/uitloggen/")

    sign_in(client, secretary)
    used = client.post(VERIFY, {"code": codes[0].upper()}, follow=True)
    assert "U hebt een herstelcode gebruikt" in used.content.decode()
    assert client.get("/gremia/").status_code == 200
    client.post("/uitloggen/")

    sign_in(client, secretary)
    again = client.post(VERIFY, {"code": codes[0]})
    assert again.status_code == 200
    assert "Deze code klopt niet" in again.content.decode()
    assert client.get("/gremia/").status_code == 302


@pytest.mark.parametrize("who", ["office", "secretary"])
def test_enforced_roles_cannot_skip_enrolment(client: Client, who: str, secretary: User) -> None:
    user = UserFactory(office=True, is_staff=True) if who == "office" else secretary
    sign_in(client, user)
    for url in [
        "/",
        "/gremia/",
        "/bijeenkomsten/",
        "/beheer/",
        "/account/",
        VERIFY,
        "/mijn-agenda/",
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(ENROL), url
    # Nor by sending a form elsewhere.
    assert client.post("/account/tweestapsverificatie/uitzetten/")["Location"].startswith(ENROL)

    page = client.get(ENROL)
    text = page.content.decode()
    assert "<svg" in text  # the QR code, drawn by Koepel itself
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'<code class="uri">([A-Z2-7 ]+)</code>', text)
    assert secret is not None
    assert secret.group(1).replace(" ", "") == device.config_url.split("secret=")[1].split("&")[0]

    codes = enrol(client, user)
    assert len(codes) == 10
    assert client.get("/gremia/").status_code == 200
    # Shown once: the page does not show them again.
    assert client.get("/account/herstelcodes/")["Location"] == "/account/"


def test_member_without_two_steps_signs_in_with_password(client: Client, member: User) -> None:
    response = sign_in(client, member, "/gremia/")
    assert response["Location"] == "/gremia/"
    assert client.get("/gremia/").status_code == 200
    assert "Uit. U logt in met alleen uw wachtwoord." in client.get("/account/").content.decode()


def test_member_turns_two_steps_on_and_off(client: Client, member: User) -> None:
    sign_in(client, member)
    enrol(client, member)
    client.post("/uitloggen/")

    sign_in(client, member)
    assert client.get("/gremia/")["Location"].startswith(VERIFY)
    device = TOTPDevice.objects.get(user=member, confirmed=True)
    client.post(VERIFY, {"code": code_for(device, drift=1)})
    assert client.get("/gremia/").status_code == 200

    off = client.post("/account/tweestapsverificatie/uitzetten/", follow=True)
    assert "Tweestapsverificatie staat uit" in off.content.decode()
    client.post("/uitloggen/")
    sign_in(client, member)
    assert client.get("/gremia/").status_code == 200


def test_secretary_cannot_turn_two_steps_off(client: Client, secretary: User) -> None:
    sign_in(client, secretary)
    enrol(client, secretary)
    page = client.post("/account/tweestapsverificatie/uitzetten/", follow=True)
    assert "blijft aan" in page.content.decode()
    assert TOTPDevice.objects.filter(user=secretary, confirmed=True).exists()


def test_admin_needs_a_verified_second_factor(client: Client, db: None) -> None:
    user = UserFactory(office=True, is_staff=True, is_superuser=True)
    sign_in(client, user)
    blocked = client.get("/beheer/")
    assert blocked.status_code == 302
    assert blocked["Location"].startswith(ENROL)
    enrol(client, user)
    assert client.get("/beheer/").status_code == 200


def test_new_office_account_sets_up_its_second_factor_at_first_sign_in(
    client: Client, db: None
) -> None:
    out = io.StringIO()
    call_command("office_account", stdout=out)
    password = re.search(r"wachtwoord:\s+(\S+)", out.getvalue())
    assert password is not None
    client.post(LOGIN, {"username": "kantoor", "password": password.group(1)})
    first = client.get("/beheer/")
    assert first["Location"].startswith(ENROL)
    user = User.objects.get(username="kantoor")
    enrol(client, user)
    assert client.get("/beheer/").status_code == 200


def test_office_resets_a_lost_second_factor(
    client: Client, secretary: User, office_with_app: tuple[User, TOTPDevice]
) -> None:
    sign_in(client, secretary)
    enrol(client, secretary)
    office = Client()
    office.force_login(office_with_app[0])
    done = office.post(
        "/beheer/accounts/user/",
        {"action": "reset_second_factor", "_selected_action": [secretary.pk]},
        follow=True,
    )
    assert "Tweestapsverificatie hersteld voor 1 account" in done.content.decode()
    # The secretary's session no longer counts as verified: set up a new app first.
    assert client.get("/gremia/")["Location"].startswith(ENROL)
    # The admin resets; it does not show anyone's secrets.
    assert office.get("/beheer/otp_totp/totpdevice/").status_code == 404
    assert office.get("/beheer/otp_static/staticdevice/").status_code == 404


def test_former_secretary_signs_in_with_password_alone(client: Client, db: None) -> None:
    role = RoleFactory(function="ambtelijk_secretaris", end=dt.date(2021, 1, 31))
    user = UserFactory(person=role.person)
    sign_in(client, user)
    assert client.get("/gremia/").status_code == 200
