"""The `koepel` command and what `make run` relies on."""

from __future__ import annotations

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command

from koepel.accounts.models import User
from koepel.registry.models import Municipality


def test_demo_loads_once_and_if_empty_then_leaves_the_data_alone(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("demo")
    assert Municipality.objects.count() == 40

    call_command("demo", "--if-empty")
    assert Municipality.objects.count() == 40
    assert "niet opnieuw geladen" in capsys.readouterr().out

    with pytest.raises(CommandError, match="lege database"):
        call_command("demo")


def test_the_first_office_account_gets_a_generated_password_shown_once(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("office_account")
    first = capsys.readouterr().out
    password = first.split("wachtwoord:")[1].split()[0]
    user = User.objects.get(username="kantoor")
    assert user.is_office and user.check_password(password)
    assert len(password) >= 20

    call_command("office_account")
    second = capsys.readouterr().out
    assert password not in second
    assert User.objects.count() == 1


def test_two_fresh_office_accounts_never_share_a_password(
    db: None, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("office_account", "--username", "a")
    first = capsys.readouterr().out.split("wachtwoord:")[1].split()[0]
    User.objects.all().delete()
    call_command("office_account", "--username", "b")
    second = capsys.readouterr().out.split("wachtwoord:")[1].split()[0]
    assert first != second


def test_the_koepel_command_accepts_dashed_names() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "koepel.cli", "import-population", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "03759ned" in result.stdout


@pytest.mark.parametrize("value", ["ja", "2", "waar"])
def test_a_malformed_boolean_setting_stops_the_process(
    monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    from koepel.settings import env_bool

    monkeypatch.setenv("KOEPEL_TEST_FLAG", value)
    with pytest.raises(ImproperlyConfigured, match="true or false"):
        env_bool("KOEPEL_TEST_FLAG", False)
