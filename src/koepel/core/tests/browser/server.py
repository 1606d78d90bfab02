"""A real Koepel for a real browser: `koepel serve` on a free port, with the G40 demo loaded.

Used by the browser tests and by ``scripts/screenshots.py``. The server runs in its own data
folder on SQLite, whatever DATABASE_URL says: what the browser checks is the pages, and the
test database of the suite stays untouched.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from base64 import b32decode
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django_otp.oath import totp

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Browser, BrowserContext, Page

    Check = Callable[[Page, str], None]

# The database, the demo and the office account, made the way an administrator does. The office
# account also belongs to a person of the demo, so the pages a member has for themselves (such
# as their calendar) are there to be checked too.
_SET_UP = """
import io
from django.core.management import call_command
from koepel.accounts.models import User
from koepel.registry.models import Person

call_command("migrate", interactive=False, verbosity=0)
call_command("demo", stdout=io.StringIO())
call_command("office_account", username="USERNAME")
user = User.objects.get(username="USERNAME")
user.person = Person.objects.order_by("sort_name").first()
user.full_clean()
user.save()
"""

CHROMIUM = Path(os.environ.get("KOEPEL_CHROMIUM", "/usr/bin/chromium"))
SETTINGS = "koepel.core.tests.browser.settings"


def chromium_args() -> list[str]:
    """Chromium's own sandbox does not start for root (as in CI); it needs no sandbox there."""
    return ["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LiveKoepel:
    """Start with ``with LiveKoepel() as koepel:``; ``koepel.url``, ``koepel.password``."""

    username = "kantoor"

    def __init__(self, data_dir: Path | None = None) -> None:
        self._own_dir = data_dir is None
        self.data_dir = data_dir or Path(tempfile.mkdtemp(prefix="koepel-browser-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.password = ""
        # Set at the first sign-in, when the office account sets up its second factor.
        self.otp_secret = ""
        self.recovery_codes: list[str] = []
        # What the accessibility checks found on the pages of signing in, by route.
        self.step_problems: dict[str, list[str]] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._log = self.data_dir / "server.log"

    def _env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            KOEPEL_DATA_DIR=str(self.data_dir),
            DJANGO_SETTINGS_MODULE=SETTINGS,
            KOEPEL_BASE_URL=self.url,
            LOG_LEVEL="WARNING",
            PYTHONWARNINGS="ignore",
        )
        return env

    def _koepel(self, *args: str) -> str:
        done = subprocess.run(  # noqa: S603 - this Python, our own arguments
            [sys.executable, "-m", "koepel.cli", *args],
            env=self._env(),
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"koepel {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def start(self) -> None:
        # One process for the set-up: each start of Django costs seconds on a busy machine.
        output = self._koepel("shell", "--command", _SET_UP.replace("USERNAME", self.username))
        found = re.search(r"wachtwoord:\s+(\S+)", output)
        if found is None:
            raise RuntimeError(f"No password in the output of office-account:\n{output}")
        self.password = found.group(1)
        with self._log.open("wb") as log:
            self._process = subprocess.Popen(  # noqa: S603 - as above
                [
                    sys.executable,
                    "-m",
                    "koepel.cli",
                    "serve",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--no-task-worker",
                ],
                env=self._env(),
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self._wait_until_up()

    def _wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self._process is not None
            if self._process.poll() is not None:
                raise RuntimeError(f"koepel serve stopped:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.url + "/toegankelijkheid/", timeout=5):  # noqa: S310 - our own http URL
                    return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        raise RuntimeError(f"koepel serve did not answer within {seconds} s:\n{self.log()}")

    def shell(self, code: str) -> str:
        """Run Python against the server's database (``koepel shell``), for data no page of the
        demo makes; returns what it printed."""
        return self._koepel("shell", "--command", code)

    def log(self) -> str:
        return self._log.read_text(errors="replace") if self._log.exists() else ""

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if self._own_dir:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> LiveKoepel:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def _code_now(secret: str) -> str:
    """The six digits an authenticator app shows now for this (base32) secret."""
    key = secret.replace(" ", "").upper()
    return f"{totp(b32decode(key + '=' * (-len(key) % 8))):06d}"


def sign_in(page: Page, koepel: LiveKoepel, check: Check | None = None) -> None:
    """Sign in as the network office, in two steps: the one place that knows how signing in
    goes. The first time, the office account sets up its app (as a new office account must)
    and keeps its recovery codes; later sign-ins type a recovery code, since a code from the
    app counts only once in its 30 seconds. ``check``, when given, looks at each step's page
    (the accessibility checks use it: these pages are reached only by signing in)."""
    page.goto(f"{koepel.url}/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(koepel.username)
    page.get_by_label("Wachtwoord").fill(koepel.password)
    page.get_by_role("main").get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    if "/account/tweestapsverificatie/" in page.url:
        if check:
            check(page, "accounts:second-factor-enrol")
        koepel.otp_secret = page.locator("code.uri").inner_text().strip()
        page.get_by_label("Code").fill(_code_now(koepel.otp_secret))
        page.get_by_role("main").get_by_role("button", name="Instellen").click()
        page.get_by_role("heading", level=1, name="Uw herstelcodes").wait_for()
        if check:
            check(page, "accounts:recovery-codes")
        koepel.recovery_codes = [
            code.strip() for code in page.locator("ul.recovery-codes code").all_inner_texts()
        ]
        page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    else:
        if check:
            check(page, "accounts:second-factor-verify")
        page.get_by_label("Code").fill(koepel.recovery_codes.pop())
        page.get_by_role("main").get_by_role("button", name="Inloggen").click()
    # Signing in lands on the person's own start page.
    page.wait_for_url(f"{koepel.url}/mijn-werk/")


def sign_in_with_a_new_second_factor(page: Page, username: str, password: str) -> None:
    """The first sign-in of an account that must use a second factor: it sets up its app."""
    page.goto("/inloggen/")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("main").get_by_role("button", name="Inloggen").click()
    page.wait_for_url(re.compile(r"/account/tweestapsverificatie/"))
    secret = page.locator("code.uri").inner_text().strip()
    page.get_by_label("Code").fill(_code_now(secret))
    page.get_by_role("main").get_by_role("button", name="Instellen").click()
    page.get_by_role("link", name="Ik heb ze bewaard, verder").click()
    page.wait_for_url("**/mijn-werk/")


def pick(page: Page, label: str, name: str) -> None:
    """Type a name into a picker and choose it from the suggestions, as a person would."""
    box = page.get_by_role("main").get_by_role(
        "combobox", name=re.compile(rf"^{re.escape(label)}\b")
    )
    box.press_sequentially(name, delay=20)
    page.get_by_role("option", name=re.compile(rf"^{re.escape(name)}")).first.click()


def new_context(
    browser: Browser, koepel: LiveKoepel, width: int = 1280, height: int = 900
) -> BrowserContext:
    """A fresh browser context (no one signed in) whose relative addresses go to Koepel."""
    context = browser.new_context(
        base_url=koepel.url, locale="nl-NL", viewport={"width": width, "height": height}
    )
    context.set_default_timeout(int(os.environ.get("KOEPEL_BROWSER_TIMEOUT_MS", "15000")))
    return context


# The day the walks plan their meeting on: a month from now, so that it is still to come and
# its pages for a planned meeting are reached, whatever day the suite runs.
PLANNED_DAY = dt.datetime.now(tz=ZoneInfo("Europe/Amsterdam")).date() + dt.timedelta(days=30)


def plan_meeting(page: Page, title: str, body: str = "Themagroep Europa") -> str:
    """Plan a meeting through the form, as the office does, on ``PLANNED_DAY``; returns the
    meeting's address."""
    page.goto("/bijeenkomsten/nieuw/")
    page.get_by_label(body).check()
    page.get_by_label("Titel").fill(title)
    page.get_by_label("Soort").select_option(label="ontbijtsessie")
    page.get_by_label("Vorm").select_option(label="digitaal")
    page.get_by_label("Datum", exact=True).fill(PLANNED_DAY.isoformat())
    page.get_by_label("Begintijd").fill("08:30")
    page.get_by_role("button", name="Opslaan").click()
    # A planned meeting goes on to its invitations; the breadcrumb leads back to the meeting.
    page.get_by_role("heading", level=1, name="Uitnodigen").wait_for()
    page.get_by_role("link", name=title).click()
    page.get_by_role("heading", level=1, name=title).wait_for()
    return page.url
