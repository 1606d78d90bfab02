"""Two ``koepel serve`` processes on different ports, one PostgreSQL database and one shared
file store: a session from one is valid on the other, a file uploaded through one downloads
through the other, a conflicting edit through the second is caught by optimistic locking,
search finds the same on both, and a page part each keeps shows a change made through the
other on the next request. Runs only when DATABASE_URL names a PostgreSQL server."""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from base64 import b32decode
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django_otp.oath import totp

from koepel.accounts.models import User
from koepel.advocacy.models import Dossier
from koepel.library.models import Document
from koepel.registry.models import Body, Network

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="needs a PostgreSQL server (set DATABASE_URL)",
)
PASSWORD = "twee-servers-een-database"  # a throwaway test account
STARTUP_SECONDS = 60


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browser:
    """Just enough of a browser: one cookie jar for both servers (cookies do not depend on
    the port), forms read from the page with their CSRF token, no redirects followed."""

    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), self._NoRedirect()
        )

    def request(
        self, url: str, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, str, bytes]:
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers.get("Location", ""), response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read()

    def form(self, url: str) -> dict[str, list[str]]:
        """The fields of the page's main form with their current values."""
        status, _, body = self.request(url)
        assert status == 200, (url, status)
        form = BeautifulSoup(body, "html.parser").select_one("main form[method=post]")
        assert form is not None
        fields: dict[str, list[str]] = {}
        for element in form.select("input[name], textarea[name], select[name]"):
            name = str(element["name"])
            if element.name == "select":
                values = [str(o.get("value", "")) for o in element.select("option[selected]")]
            elif element.name == "textarea":
                values = [element.text.removeprefix("\n")]
            elif element.get("type") in ("checkbox", "radio"):
                values = [str(element.get("value", "on"))] if element.has_attr("checked") else []
            elif element.get("type") in ("submit", "file"):
                continue
            else:
                values = [str(element.get("value", ""))]
            fields.setdefault(name, []).extend(values)
        return fields

    def post(
        self, url: str, fields: dict[str, list[str]], file: tuple[str, str, bytes] | None = None
    ) -> tuple[int, str, bytes]:
        boundary = uuid.uuid4().hex
        parts = []
        for name, values in fields.items():
            for value in values:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                    f"{value}\r\n".encode()
                )
        if file is not None:
            field, filename, content = file
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'.encode()
                + content
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(
            url,
            data=b"".join(parts),
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )


def _database_url() -> str:
    db = connection.settings_dict
    user = urllib.parse.quote(db["USER"] or "")
    password = f":{urllib.parse.quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    return (
        f"postgres://{user}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.fixture
def servers(transactional_db: None, tmp_path: Path) -> Iterator[list[str]]:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "KOEPEL_DATA_DIR": str(tmp_path / "gedeeld"),  # the shared file store of both
        "SECRET_KEY": "twee-servers-" + "x" * 50,
        "DJANGO_SETTINGS_MODULE": "koepel.settings",
    }
    env.pop("KOEPEL_PRIVATE_ROOT", None)
    koepel = [sys.executable, "-m", "koepel.cli"]
    subprocess.run([*koepel, "collectstatic", "--noinput", "-v0"], env=env, check=True, timeout=120)  # noqa: S603
    ports = [_free_port(), _free_port()]
    processes = [
        subprocess.Popen(  # noqa: S603 - this Python, our own arguments
            [*koepel, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-task-worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        for port in ports
    ]
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        for url in urls:
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/toegankelijkheid/", timeout=5):  # noqa: S310
                        break
                except OSError:
                    if time.monotonic() > deadline:
                        pytest.fail(f"{url} did not start within {STARTUP_SECONDS} s")
                    time.sleep(0.3)
        yield urls
    finally:
        for process in processes:
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def test_two_servers_share_sessions_files_edits_and_search(servers: list[str]) -> None:
    one, two = servers
    Network.objects.create(name="Netwerk van twee servers", short_name="Twee servers")
    body = Body.objects.create(
        name="Themagroep Woningmarkt", slug="woningmarkt", kind="theme_group"
    )
    dossier = Dossier.objects.create(title="Middenhuur", slug="middenhuur", goal="Meer middenhuur.")
    dossier.bodies.add(body)
    User.objects.create(
        username="bureau",
        is_office=True,
        password=PBKDF2PasswordHasher().encode(PASSWORD, "zout" * 4, iterations=1000),
    )
    browser = Browser()

    # Signed in through the first server, the session holds on the second.
    login = browser.form(f"{one}/inloggen/")
    login.update(username=["bureau"], password=[PASSWORD])
    status, _, _ = browser.post(f"{one}/inloggen/", login)
    assert status == 302, "sign-in through the first server failed"
    # An office account sets up its second factor at its first sign-in, here on the first server.
    enrol = f"{one}/account/tweestapsverificatie/"
    status, _, page = browser.request(enrol)
    assert status == 200, "the first sign-in did not lead to setting up the second factor"
    secret = BeautifulSoup(page, "html.parser").select_one("code.uri")
    assert secret is not None
    key = secret.text.replace(" ", "").upper()
    step = browser.form(enrol)
    step.update(code=[f"{totp(b32decode(key + '=' * (-len(key) % 8))):06d}"])
    assert browser.post(enrol, step)[0] == 302, "the code from the app was refused"
    assert browser.request(f"{two}/kennisbank/nieuw/")[0] == 200

    # Uploaded through the first, downloaded through the second.
    content = b"# Woonwagenlocaties\n\nDe zeldzame term kwartelkoning staat alleen hier.\n"
    form = browser.form(f"{one}/kennisbank/nieuw/")
    form.update(
        title=["Notitie woonwagenlocaties"],
        kind=["rapport"],
        visibility=["network"],
        bodies=[str(body.pk)],
        language=["nl"],
    )
    status, _, page = browser.post(
        f"{one}/kennisbank/nieuw/", form, file=("file", "notitie.md", content)
    )
    assert status == 302, page.decode()[:2000]
    document = Document.objects.get(title="Notitie woonwagenlocaties")
    status, _, downloaded = browser.request(f"{two}/kennisbank/{document.slug}/bestand/1/")
    assert (status, downloaded) == (200, content)

    # Search finds it on both; an outsider finds it on neither.
    for server in (one, two):
        status, _, results = browser.request(f"{server}/zoeken/?q=kwartelkoning")
        assert status == 200
        assert document.get_absolute_url().encode() in results
        _, _, anonymous = Browser().request(f"{server}/zoeken/?q=kwartelkoning")
        assert document.get_absolute_url().encode() not in anonymous

    # Two edits begun from the same version: the first wins, the second is told.
    first = browser.form(f"{one}/lobby/dossiers/middenhuur/wijzigen/")
    second = browser.form(f"{two}/lobby/dossiers/middenhuur/wijzigen/")
    first["goal"] = ["Meer middenhuur in elke stad."]
    second["goal"] = ["Minder regels voor middenhuur."]
    assert browser.post(f"{one}/lobby/dossiers/middenhuur/wijzigen/", first)[0] == 302
    status, _, page = browser.post(f"{two}/lobby/dossiers/middenhuur/wijzigen/", second)
    assert status == 200
    assert "Iemand anders heeft dit net gewijzigd" in page.decode()
    dossier.refresh_from_db()
    assert dossier.goal == "Meer middenhuur in elke stad."

    # Each server keeps the body's page (with its lobby panel) in its own memory; a change made
    # through the other shows on the next request, as the versions of the data are in the
    # database both read.
    for server in (one, two):
        status, _, page = browser.request(f"{server}/gremia/woningmarkt/")
        assert status == 200
        assert b"Middenhuur" in page and b"Middenhuur in de wijk" not in page
    renamed = browser.form(f"{two}/lobby/dossiers/middenhuur/wijzigen/")
    renamed["title"] = ["Middenhuur in de wijk"]
    assert browser.post(f"{two}/lobby/dossiers/middenhuur/wijzigen/", renamed)[0] == 302
    for server in (one, two):
        assert b"Middenhuur in de wijk" in browser.request(f"{server}/gremia/woningmarkt/")[2]
