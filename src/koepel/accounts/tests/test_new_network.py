"""Starting a network on an empty database: with ``koepel new-network``, and on the first-run
page that every page leads to until there is a network, behind a setup code."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.test.client import ClientMixin

from koepel.accounts.models import User
from koepel.accounts.tests.test_two_step_sign_in import ENROL
from koepel.core.tests.filedb import new_installation, remove_installation
from koepel.core.tests.test_serve import _free_port
from koepel.core.tests.test_two_servers import Browser
from koepel.registry.models import Network

SETUP = "/inrichten/"
KOEPEL = [sys.executable, "-m", "koepel.cli"]
PASSWORD = "een-lang-eigen-wachtwoord"
OPTIONS = [
    "--name",
    "Stedenverbond Oost",
    "--short-name",
    "Verbond Oost",
    "--website",
    "https://verbond-oost.example",
    "--email",
    "bureau@verbond-oost.example",
]


def _new_network(*args: str) -> str:
    out = io.StringIO()
    call_command("new_network", *args, stdout=out)
    return out.getvalue()


def _nothing_written() -> bool:
    return not Network.objects.exists() and not User.objects.exists()


# --- The command ------------------------------------------------------------------------------


def test_new_network_makes_the_network_and_an_office_account_with_a_password_shown_once(
    db: None,
) -> None:
    out = _new_network(*OPTIONS, "--no-input")
    network = Network.objects.get()
    assert (network.name, network.short_name, network.website) == (
        "Stedenverbond Oost",
        "Verbond Oost",
        "https://verbond-oost.example",
    )
    account = User.objects.get()
    assert (account.username, account.email) == ("kantoor", "bureau@verbond-oost.example")
    assert account.is_office and account.is_staff
    password = out.split("wachtwoord:")[1].split()[0]
    assert account.check_password(password) and len(password) >= 20
    assert "tweestapsverificatie" in out and "/inloggen/" in out


def test_new_network_asks_what_it_was_not_given_and_takes_a_typed_password(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(
        ["Stedenverbond Oost", "Verbond Oost", "", "secretariaat", "bureau@oost.example"]
    )
    asked: list[str] = []

    def answer(question: str) -> str:
        asked.append(question)
        return next(answers)

    monkeypatch.setattr("builtins.input", answer)
    monkeypatch.setattr("getpass.getpass", lambda question: PASSWORD)
    out = _new_network()
    assert [question.split(" ")[0] for question in asked] == [
        "Naam",
        "Korte",
        "Website",
        "Gebruikersnaam",
        "E-mailadres",
    ]
    account = User.objects.get()
    assert account.username == "secretariaat" and account.check_password(PASSWORD)
    assert PASSWORD not in out  # typed, so not shown
    assert Network.objects.get().website == ""


def test_new_network_refuses_when_a_network_exists(db: None) -> None:
    Network.objects.create(name="Het bestaande netwerk", short_name="Bestaand")
    with pytest.raises(CommandError, match="Er is al een netwerk: Bestaand"):
        _new_network(*OPTIONS, "--no-input")
    assert Network.objects.count() == 1 and not User.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--email", "geen-adres"), "e-mailadres"),
        (("--website", "geen adres"), "website"),
        (("--name", ""), "--name"),
        (("--short-name", "Verbond\nOost"), "korte naam"),
    ],
)
def test_new_network_writes_nothing_when_an_answer_is_wrong(
    db: None, change: tuple[str, str], message: str
) -> None:
    options = list(OPTIONS)
    options[options.index(change[0]) + 1] = change[1]
    with pytest.raises(CommandError, match=message) as refused:
        _new_network(*options, "--no-input")
    assert "Er is niets opgeslagen" in str(refused.value)
    assert _nothing_written()


def test_a_typed_password_is_held_to_the_password_rules(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getpass", lambda question: "kort")
    with pytest.raises(CommandError, match="wachtwoord"):
        _new_network(*OPTIONS, "--username", "kantoor")
    assert _nothing_written()


def test_show_setup_code_prints_a_code_of_which_only_the_hash_is_kept(
    db: None, settings: Any
) -> None:
    out = _new_network("--show-setup-code")
    code = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})\b", out)
    assert code is not None, out
    assert "/inrichten/" in out
    stored = Path(settings.KOEPEL_SETUP_CODE_FILE)
    assert code[1] not in stored.read_text() and len(stored.read_text()) == 64
    assert stored.stat().st_mode & 0o077 == 0  # for the server's own user alone

    Network.objects.create(name="Het netwerk", short_name="Netwerk")
    assert "geen code nodig" in _new_network("--show-setup-code")
    assert _new_network("--show-setup-code", "--verbosity", "0") == ""


# --- The first-run page -----------------------------------------------------------------------


@pytest.fixture
def first_run(db: None, settings: Any) -> str:
    """An empty database, with the lead to the first-run page on; the setup code issued."""
    settings.KOEPEL_FIRST_RUN_REDIRECT = True
    out = _new_network("--show-setup-code")
    found = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", out)
    assert found is not None
    return found[0]


def _form(code: str, **changes: str) -> dict[str, str]:
    return {
        "setup_code": code,
        "name": "Stedenverbond Oost",
        "short_name": "Verbond Oost",
        "website": "https://verbond-oost.example",
        "username": "kantoor",
        "email": "bureau@verbond-oost.example",
        "password": PASSWORD,
        "password_again": PASSWORD,
        **changes,
    }


def _errors(response: Any) -> list[str]:
    page = BeautifulSoup(response.content, "html.parser")
    return [error.get_text(" ", strip=True) for error in page.select(".field-error, .form-errors")]


@pytest.mark.parametrize("path", ["/", "/gemeenten/", "/kennisbank/", "/inloggen/", "/beheer/"])
def test_every_page_leads_to_the_first_run_page_until_there_is_a_network(
    first_run: str, client: Client, path: str
) -> None:
    response = client.get(path)
    assert (response.status_code, response["Location"]) == (302, SETUP)


def test_an_office_account_signed_in_before_there_is_a_network_reaches_the_page(
    first_run: str, client: Client
) -> None:
    # Signed in with its password alone (an account made by koepel office-account): its second
    # step leads to the enrolment page, and that page to the first-run page, which must not lead
    # back to the enrolment page.
    office = User.objects.create_user(username="kantoor", password=PASSWORD, is_office=True)
    ClientMixin.force_login(client, office)  # the password step only
    assert client.get(ENROL)["Location"] == SETUP
    assert client.get(SETUP).status_code == 200


def test_the_api_answers_as_the_api_and_does_not_lead_to_the_page(
    first_run: str, client: Client
) -> None:
    response = client.get("/api/v1/netwerk")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/problem+json")


def test_before_there_is_a_network_the_site_does_not_call_itself_koepel(
    first_run: str, client: Client
) -> None:
    page = client.get(SETUP)
    assert page.status_code == 200
    soup = BeautifulSoup(page.content, "html.parser")
    title = soup.title.get_text() if soup.title else ""
    brand = soup.select_one(".site-header__brand")
    assert brand is not None
    assert "Koepel" not in title and "Koepel" not in brand.get_text()
    assert brand.get_text(strip=True) == "Nieuw netwerk"
    assert soup.select_one("h1").get_text(strip=True) == "Netwerk inrichten"  # type: ignore[union-attr]


def test_the_first_run_page_refuses_a_wrong_code_and_writes_nothing(
    first_run: str, client: Client
) -> None:
    wrong = "AAAA-BBBB-CCCC" if first_run != "AAAA-BBBB-CCCC" else "DDDD-EEEE-FFFF"
    response = client.post(SETUP, _form(wrong))
    assert response.status_code == 400
    assert any("niet de installatiecode" in error for error in _errors(response))
    assert _nothing_written()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"password_again": "iets-anders-dan-het-eerste"}, "password_again"),
        ({"password": "kort", "password_again": "kort"}, "password"),
        ({"email": "geen-adres"}, "email"),
        ({"website": "geen adres met spaties"}, "website"),
        ({"name": ""}, "name"),
        ({"name": "Stedenverbond\nOost"}, "name"),
    ],
)
def test_the_first_run_page_writes_nothing_on_a_bad_form(
    first_run: str, client: Client, changes: dict[str, str], field: str
) -> None:
    response = client.post(SETUP, _form(first_run, **changes))
    assert response.status_code == 400
    page = BeautifulSoup(response.content, "html.parser")
    described = page.select_one(f"#id_{field}")
    assert described is not None and described.get("aria-invalid") == "true", field
    assert _nothing_written()
    # The code still works for the form put right.
    assert client.post(SETUP, _form(first_run)).status_code == 302


def test_the_first_run_page_makes_the_network_and_then_the_office_signs_in_with_two_steps(
    first_run: str, client: Client, settings: Any
) -> None:
    response = client.post(SETUP, _form(first_run), follow=True)
    assert response.redirect_chain == [("/inloggen/", 302)]
    assert "Verbond Oost" in response.content.decode()
    assert "Stedenverbond Oost is ingericht" in response.content.decode()
    network = Network.objects.get()
    assert network.name == "Stedenverbond Oost"
    account = User.objects.get()
    assert account.is_office and account.check_password(PASSWORD)
    assert not Path(settings.KOEPEL_SETUP_CODE_FILE).exists()  # used up

    # The page is gone, the code with it, and the site has its name.
    assert client.get(SETUP).status_code == 404
    assert client.post(SETUP, _form(first_run, name="Tweede netwerk")).status_code == 404
    assert Network.objects.count() == 1 and User.objects.count() == 1
    home = BeautifulSoup(client.get("/").content, "html.parser")
    assert home.select_one("h1").get_text(strip=True) == "Stedenverbond Oost"  # type: ignore[union-attr]

    # The normal sign-in follows: the office sets up its second step before anything else.
    signed_in = client.post("/inloggen/", {"username": "kantoor", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert client.get("/").url.startswith(ENROL)  # type: ignore[attr-defined]


def test_without_a_code_issued_the_page_says_how_to_get_one(
    db: None, client: Client, settings: Any
) -> None:
    settings.KOEPEL_FIRST_RUN_REDIRECT = True
    page = client.get(SETUP).content.decode()
    assert "koepel new-network --show-setup-code" in page
    response = client.post(SETUP, _form("AAAA-BBBB-CCCC"))
    assert response.status_code == 400
    assert _nothing_written()


def test_a_new_code_replaces_the_one_before(first_run: str, client: Client) -> None:
    _new_network("--show-setup-code")
    assert client.post(SETUP, _form(first_run)).status_code == 400
    assert _nothing_written()


# --- koepel serve on an empty database ---------------------------------------------------------


def test_koepel_serve_on_an_empty_database_prints_the_code_and_the_browser_starts_the_network(
    tmp_path: Path,
) -> None:
    installation = new_installation(tmp_path / "data", "eerste_start")
    bind = f"127.0.0.1:{_free_port()}"
    url = f"http://{bind}"
    log = tmp_path / "serve.log"
    try:
        installation.koepel("migrate", "--no-input", "-v", "0")
        with log.open("wb") as out:
            server = subprocess.Popen(  # noqa: S603 - this Python, our own arguments
                [*KOEPEL, "serve", "--bind", bind, "--workers", "1", "--no-task-worker"],
                env={**installation.env, "LOG_LEVEL": "WARNING"},
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            browser = Browser()
            deadline = time.monotonic() + 90
            while True:
                assert server.poll() is None, log.read_text(errors="replace")
                try:
                    status, location, _ = browser.request(f"{url}/")
                    break
                except OSError:
                    assert time.monotonic() < deadline, "koepel serve did not answer"
                    time.sleep(0.3)
            assert (status, location) == (302, SETUP)
            printed = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", log.read_text())
            assert printed is not None, log.read_text(errors="replace")

            form = browser.form(f"{url}{SETUP}")
            form.update({name: [value] for name, value in _form("AAAA-AAAA-AAAA").items()})
            assert browser.post(f"{url}{SETUP}", form)[0] == 400
            assert installation.fetch("SELECT COUNT(*) FROM registry_network") == [(0,)]
            form.update(setup_code=[printed[0]])
            assert browser.post(f"{url}{SETUP}", form)[:2] == (302, "/inloggen/")
            assert installation.fetch("SELECT name FROM registry_network") == [
                ("Stedenverbond Oost",)
            ]
            assert browser.request(f"{url}{SETUP}")[0] == 404
            login = browser.form(f"{url}/inloggen/")
            login.update(username=["kantoor"], password=[PASSWORD])
            assert browser.post(f"{url}/inloggen/", login)[0] == 302
            assert browser.request(f"{url}/")[1].startswith(ENROL)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=40)
    finally:
        remove_installation(installation)
