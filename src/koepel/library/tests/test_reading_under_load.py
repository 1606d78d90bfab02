"""Uploads against a real ``koepel serve``, on a database of its own (SQLite, or PostgreSQL
when DATABASE_URL names one): a document of 5,000 headings is read while twenty others write
and sign in, and none of them fails; a task worker killed halfway through a document is
started again and reads it to its end; a web server killed is started again; and reading a
Word file of 100 MB of XML stays within its memory."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django_otp.oath import totp

from koepel.core.tests.filedb import (
    Installation,
    copy_installation,
    new_installation,
    remove_installation,
)
from koepel.core.tests.test_serve import _free_port
from koepel.core.tests.test_two_servers import Browser
from koepel.library.tests import files

PASSWORD = "lezen-terwijl-anderen-schrijven"  # throwaway accounts of a throwaway database
TOTP_KEY = "3132333435363738393031323334353637383930"
SIGN_INS = 5
WRITERS = 15  # with the sign-ins, twenty at once
# Seconds between two writes of one writer, and two sign-ins of one person: people saving
# forms and signing in, busily.
WRITE_PAUSE = (0.5, 1.5)
SIGN_IN_PAUSE = (1.0, 3.0)
HEADINGS = 5000
STARTUP_SECONDS = 60
# Reading the document takes a few seconds; on a machine shared with much else, many more.
READING_SECONDS = 90
# A write that waits longer than this failed in all but name: before readings were written in
# small steps, writers beside a large upload waited the whole 20 s of SQLite's busy timeout.
LONGEST_WAIT_SECONDS = 10.0

SET_UP = f"""
import django
django.setup()
from django.contrib.auth.hashers import make_password
from django_otp.plugins.otp_totp.models import TOTPDevice
from koepel.accounts.models import User
from koepel.registry.models import Body, Network

Network.objects.create(name="Netwerk onder druk", short_name="Onder druk")
password = make_password({PASSWORD!r})
office = User.objects.create(username="bureau", is_office=True, password=password)
TOTPDevice.objects.create(user=office, name="app", confirmed=True, key={TOTP_KEY!r})
User.objects.bulk_create([User(username=f"lid{{n}}", password=password) for n in range({SIGN_INS})])
Body.objects.create(name="Themagroep Woningmarkt", slug="woningmarkt", kind="theme_group")
"""


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Installation]:
    """Migrated, with the static files collected and the accounts made: once per module."""
    installation = new_installation(tmp_path_factory.mktemp("sjabloon") / "data", "lezen_sjabloon")
    try:
        installation.koepel("migrate", "--no-input", "-v", "0")
        installation.koepel("collectstatic", "--no-input", "-v", "0")
        installation.python(SET_UP)
        if not installation.database_url:
            installation.fetch("PRAGMA wal_checkpoint(TRUNCATE)")
        yield installation
    finally:
        remove_installation(installation)


@pytest.fixture
def installation(
    template: Installation, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[Installation]:
    name = "lezen_" + "".join(c for c in request.node.name.lower() if c.isalnum())[-30:]
    copy = copy_installation(template, tmp_path / "data", name)
    try:
        yield copy
    finally:
        remove_installation(copy)


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def children(self) -> dict[str, int]:
        """Pid of the task worker and of the web server, as ``koepel serve`` runs them now."""
        found = {}
        pids = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text()
        for pid in map(int, pids.split()):
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes()
            except FileNotFoundError:
                continue
            if b"task-worker" in command:
                found["worker"] = pid
            elif b"gunicorn" in command:
                found["web"] = pid
        return found


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/toegankelijkheid/", timeout=5) as response:  # noqa: S310 - our own http URL
            return bool(response.status == 200)
    except OSError:
        return False


@contextmanager
def serving(installation: Installation, tmp_path: Path, **env: str) -> Iterator[Server]:
    bind = f"127.0.0.1:{_free_port()}"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - this Python, our own arguments
            [sys.executable, "-m", "koepel.cli", "serve", "--bind", bind, "--workers", "2"],
            env={**installation.env, "LOG_LEVEL": "WARNING", **env},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(f"http://{bind}", process, log)
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(server.url):
            assert process.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, (
                f"koepel serve did not answer in {STARTUP_SECONDS} s"
            )
            time.sleep(0.2)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


def _office(url: str) -> Browser:
    """The network office, signed in with its password and a code from its app."""
    browser = Browser()
    login = browser.form(f"{url}/inloggen/")
    login.update(username=["bureau"], password=[PASSWORD])
    assert browser.post(f"{url}/inloggen/", login)[0] == 302
    step = browser.form(f"{url}/inloggen/code/")
    step.update(code=[f"{totp(bytes.fromhex(TOTP_KEY)):06d}"])
    assert browser.post(f"{url}/inloggen/code/", step)[0] == 302
    return browser


def _upload(browser: Browser, url: str, name: str, content: bytes) -> int:
    form = browser.form(f"{url}/kennisbank/nieuw/")
    form.update(title=["Jaarverslag"], kind=["jaarverslag"], visibility=["public"], language=["nl"])
    status, _, _ = browser.post(f"{url}/kennisbank/nieuw/", form, file=("file", name, content))
    return status


def _reading(installation: Installation) -> tuple[str, str, int]:
    """State and reason of the one file version, and the number of sections."""
    [(state, reason)] = installation.fetch(
        "SELECT extraction, extraction_error FROM library_documentfile"
    )
    [(sections,)] = installation.fetch("SELECT COUNT(*) FROM library_section")
    return str(state), str(reason), int(sections)  # type: ignore[call-overload]


def _until_read(installation: Installation, server: Server, seconds: float) -> tuple[str, str, int]:
    began = time.monotonic()
    seen: list[str] = []  # how the reading went, for the message when it did not end
    while True:
        state, reason, sections = _reading(installation)
        seen.append(f"{time.monotonic() - began:.1f}s {state} {sections}")
        if state in {"klaar", "mislukt"}:
            return state, reason, sections
        assert time.monotonic() < began + seconds, ", ".join(seen)
        assert server.process.poll() is None, server.log.read_text(errors="replace")
        time.sleep(0.5)


class SignIns:
    """People signing in over and over, each on their own, as long as the load lasts."""

    def __init__(self, url: str, count: int) -> None:
        self.url = url
        self.stop = threading.Event()
        self.answers: list[tuple[int, float]] = []  # status, seconds
        self.threads = [
            threading.Thread(target=self._sign_in, args=(number,)) for number in range(count)
        ]

    def _sign_in(self, number: int) -> None:
        pause = random.Random(number)  # noqa: S311 - timing, not a secret
        while not self.stop.is_set():
            browser = Browser()
            try:
                form = browser.form(f"{self.url}/inloggen/")
                form.update(username=[f"lid{number}"], password=[PASSWORD])
                began = time.monotonic()
                status, _, _ = browser.post(f"{self.url}/inloggen/", form)
                self.answers.append((status, time.monotonic() - began))
            except (OSError, AssertionError) as error:
                self.answers.append((0, float("inf")))
                print(f"sign-in {number} failed: {error!r}")
            self.stop.wait(pause.uniform(*SIGN_IN_PAUSE))

    def __enter__(self) -> SignIns:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


@contextmanager
def writers(installation: Installation, tmp_path: Path, count: int) -> Iterator[list[Path]]:
    """``count`` processes writing through the registry's service, each now and then; the
    logs of what each wrote and how long it waited (koepel/core/tests/writers.py)."""
    process = subprocess.Popen(
        [sys.executable, "-m", "koepel.core.tests.writers"],
        env=installation.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdin is not None and process.stdout is not None
    stop = tmp_path / "stop-writers"
    try:
        process.stdin.write(f"burst {count} {stop} {WRITE_PAUSE[0]} {WRITE_PAUSE[1]}\n")
        process.stdin.flush()
        assert process.stdout.readline().startswith("children")
        yield [installation.data_dir / f"burst-{k}.log" for k in range(count)]
    finally:
        stop.touch()
        process.stdin.write("wait\n")
        process.stdin.flush()
        assert process.stdout.readline().strip() == "done"
        process.stdin.close()
        process.wait(timeout=60)
        process.stdout.close()


def _waits(lines: list[str]) -> list[float]:
    return [float(line.rsplit(" after ", 1)[1].rstrip("s")) for line in lines]


@pytest.mark.parametrize("kind", ["md", "docx"])
def test_a_document_of_5000_headings_is_read_while_twenty_others_write_and_sign_in(
    installation: Installation, tmp_path: Path, kind: str
) -> None:
    content = (files.markdown_report if kind == "md" else files.docx_report)(HEADINGS)
    with serving(installation, tmp_path) as server:
        office = _office(server.url)
        with (
            writers(installation, tmp_path, WRITERS) as logs,
            SignIns(server.url, SIGN_INS) as people,
        ):
            time.sleep(1)  # the writers and sign-ins are under way before the upload
            assert _upload(office, server.url, f"jaarverslag.{kind}", content) == 302
            state, reason, sections = _until_read(installation, server, READING_SECONDS)
            time.sleep(1)  # and go on a moment after it
        assert (state, reason, sections) == ("klaar", "", HEADINGS)
        assert _answers(server.url), "the site is up afterwards"
        assert server.process.poll() is None

    written = [line for log in logs for line in log.read_text().splitlines()]
    failed = [line for line in written if not line.startswith("ok ")]
    assert failed == []
    assert all(log.read_text() for log in logs), "every writer wrote"
    signed_in = [status for status, _ in people.answers]
    assert signed_in and set(signed_in) == {302}, people.answers
    longest = max([*_waits(written), *(seconds for _, seconds in people.answers)])
    print(f"{kind}: {len(written)} writes, {len(signed_in)} sign-ins, longest wait {longest:.2f} s")
    assert longest < LONGEST_WAIT_SECONDS


def test_a_killed_worker_and_web_server_are_started_again_and_the_reading_resumes(
    installation: Installation, tmp_path: Path
) -> None:
    # Everything is read by the worker, whose lease runs out quickly and who looks every second.
    env = {
        "KOEPEL_INLINE_EXTRACTION_KB": "0",
        "KOEPEL_READING_LEASE_SECONDS": "4",
        "KOEPEL_WORKER_RECOVER_SECONDS": "1",
    }
    headings = 8000
    with serving(installation, tmp_path, **env) as server:
        office = _office(server.url)
        started = server.children()
        assert set(started) == {"web", "worker"}
        report = files.markdown_report(headings, words=60)
        assert _upload(office, server.url, "jaarverslag.md", report) == 302

        # Killed while it writes the sections.
        deadline = time.monotonic() + 60
        while _reading(installation)[2] < 500:
            assert time.monotonic() < deadline, _reading(installation)
            time.sleep(0.05)
        os.kill(started["worker"], signal.SIGKILL)
        state, _, sections = _reading(installation)
        assert state == "bezig" and 0 < sections < headings, (state, sections)
        # And the web server too, for good measure.
        os.kill(started["web"], signal.SIGKILL)

        assert _until_read(installation, server, READING_SECONDS) == ("klaar", "", headings)
        again = server.children()
        assert set(again) == {"web", "worker"}
        assert not set(again.values()) & set(started.values())
        deadline = time.monotonic() + 30
        while not _answers(server.url):
            assert time.monotonic() < deadline, "the web server was not started again"
            time.sleep(0.2)

        # The document is found by its text, and no reading task is left running for ever.
        status, _, page = Browser().request(f"{server.url}/zoeken/?q=arbeidsmarkt&soort=sectie")
        assert status == 200
        hits = BeautifulSoup(page, "html.parser").select(
            "a[href*='/kennisbank/jaarverslag/#sectie-']"
        )
        assert hits, page.decode()[:2000]
        [(indexed,)] = installation.fetch(
            "SELECT COUNT(*) FROM search_searchentry WHERE key LIKE 'library.section:%'"
        )
        assert indexed == headings
        deadline = time.monotonic() + 10
        while installation.fetch(
            "SELECT status FROM django_tasks_database_dbtaskresult "
            "WHERE task_path LIKE '%read_text_later' AND status = 'RUNNING'"
        ):
            assert time.monotonic() < deadline, "a reading task is left running"
            time.sleep(0.3)
        log = server.log.read_text(errors="replace")
        assert "De taakverwerker stopte" in log and "De webserver stopte" in log

        # SIGTERM to koepel serve alone stops both, and then itself.
        server.process.send_signal(signal.SIGTERM)
        assert server.process.wait(timeout=40) == 0
    for pid in again.values():
        assert not Path(f"/proc/{pid}").exists()


# The peak is the process's own high-water mark (VmHWM), not getrusage's ru_maxrss: on Linux
# a process started with fork and exec inherits in ru_maxrss the size of the process that
# started it (here the test run, hundreds of megabytes after a long run of tests), which once
# made this reading look as if it took 559 MB.
MEASURE = """
import json, re, resource, sys
from pathlib import Path
import django
django.setup()
from django.core.management import call_command
from koepel.library.models import DocumentFile
call_command("import_document", sys.argv[1], "--title", "Groot verslag")
version = DocumentFile.objects.get()
print(json.dumps({
    "state": version.extraction,
    "reason": version.extraction_error,
    "sections": version.document.sections.count(),
    "peak_mb": int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1]) / 1024,
    "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def test_reading_a_word_file_of_100_mb_of_xml_stays_under_300_mb(
    installation: Installation, tmp_path: Path
) -> None:
    path = tmp_path / "groot-verslag.docx"
    files.large_docx(str(path), xml_bytes=100 * 1024 * 1024)
    assert path.stat().st_size < 25 * 1024 * 1024  # an upload Koepel accepts
    measured = json.loads(installation.python(MEASURE, str(path)).stdout.splitlines()[-1])
    print(f"reading {path.stat().st_size / 1e6:.1f} MB of docx: {measured}")
    assert (measured["state"], measured["reason"]) == ("klaar", "")
    assert measured["sections"] > 100
    assert measured["peak_mb"] < 300
