"""``koepel serve`` as the README's command table runs it: on a new data folder, after
``koepel migrate`` and ``koepel demo``, with nothing collected by hand, the pages answer with
the house style. And the static files are collected again exactly when their sources change."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from django.core.management import call_command

from koepel.core.staticfiles import collect_if_stale
from koepel.core.tests.filedb import postgres_url

STARTUP_SECONDS = 90  # collecting and compressing the static files comes first
HOUSE_CSS = Path(__file__).parents[1] / "static" / "koepel" / "css" / "koepel.css"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, Message, bytes]:
    """Status, headers and body; an error status is an answer too. A server that does not
    answer (yet) raises OSError."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - our own http URL
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def _stylesheets(page: bytes) -> list[str]:
    return [str(link["href"]) for link in BeautifulSoup(page, "html.parser").select("link[href]")]


@pytest.mark.skipif(
    postgres_url() is not None,
    reason="serves a new data folder's own SQLite database; the run without DATABASE_URL has it",
)
def test_serve_on_a_new_data_folder_answers_pages_with_the_house_style(tmp_path: Path) -> None:
    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DATABASE_URL", "MEDIA_ROOT", "KOEPEL_PRIVATE_ROOT"}
    }
    env.update(
        KOEPEL_DATA_DIR=str(tmp_path / "var"),
        DJANGO_SETTINGS_MODULE="koepel.settings",
        LOG_LEVEL="WARNING",
    )
    koepel = [sys.executable, "-m", "koepel.cli"]
    for command in (["migrate", "--no-input"], ["demo"]):
        done = subprocess.run(  # noqa: S603 - this Python, our own arguments
            [*koepel, *command], env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"koepel {command[0]} failed:\n{done.stdout}\n{done.stderr}"

    bind = f"127.0.0.1:{_free_port()}"
    url = f"http://{bind}"
    serve = ["serve", "--bind", bind, "--workers", "1", "--no-task-worker"]
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - as above
            [*koepel, *serve],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            if server.poll() is not None:
                pytest.fail(f"koepel serve stopped:\n{log_path.read_text(errors='replace')}")
            try:
                status, _, page = _get(f"{url}/")
                break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"koepel serve did not answer within {STARTUP_SECONDS} s")
                time.sleep(0.3)
        assert status == 200, page.decode(errors="replace")
        assert "Statische bestanden verzameld" in log_path.read_text(errors="replace")

        house_css = ""
        for path in ("/", "/gemeenten/", "/gremia/"):
            status, _, page = _get(url + path)
            assert status == 200, (path, page.decode(errors="replace"))
            found = [
                h
                for h in _stylesheets(page)
                if re.fullmatch(r"/static/koepel/css/koepel\.[0-9a-f]{12}\.css", h)
            ]
            assert len(found) == 1, (path, _stylesheets(page))
            house_css = house_css or found[0]
            assert found[0] == house_css

        status, headers, css = _get(url + house_css)
        assert status == 200
        assert headers.get_content_type() == "text/css"
        assert css == HOUSE_CSS.read_bytes()
        assert "immutable" in headers.get("Cache-Control", "")
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


def test_static_files_are_collected_again_exactly_when_their_sources_change(
    settings: Any, tmp_path: Path
) -> None:
    sources = tmp_path / "bronnen"
    (sources / "huis").mkdir(parents=True)
    css = sources / "huis" / "huis.css"
    css.write_text("body { color: #123456; }\n")
    static_root = tmp_path / "static"
    manifest = static_root / "staticfiles.json"
    settings.STATICFILES_DIRS = [sources]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = static_root
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "koepel.core.staticfiles.CollectedStaticFilesStorage"},
    }

    def collected() -> tuple[str, str]:
        """The hashed name and the contents; the copy under the plain name is the same."""
        hashed = json.loads(manifest.read_text())["paths"]["huis/huis.css"]
        contents = (static_root / hashed).read_text()
        assert (static_root / "huis" / "huis.css").read_text() == contents
        return hashed, contents

    assert collect_if_stale(), "nothing collected yet"
    first = collected()
    assert first[1] == css.read_text()
    assert not collect_if_stale(), "nothing changed"

    # Changed, but dated before the last collect (as a file put back from elsewhere may be):
    # its contents count, not its date.
    css.write_text("body { color: #654321; }\n")
    os.utime(css, (1_600_000_000, 1_600_000_000))
    assert collect_if_stale()
    second = collected()
    assert second[0] != first[0]
    assert second[1] == css.read_text()

    (sources / "huis" / "nieuw.css").write_text("p { margin: 0; }\n")
    assert collect_if_stale(), "a new source"
    assert not collect_if_stale()

    # A collect by hand leaves its fingerprint as well: serve need not repeat it.
    css.write_text("body { color: #abcdef; }\n")
    call_command("collectstatic", interactive=False, verbosity=0)
    assert not collect_if_stale()
    assert collected()[1] == css.read_text()

    manifest.unlink()
    assert collect_if_stale(), "the manifest went missing"
    assert collected()[1] == css.read_text()
