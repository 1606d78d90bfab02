"""gunicorn as ``koepel serve`` starts it keeps an idle connection open longer than a person
reads a page: a request sent on a kept-alive connection after some seconds of quiet is
answered, not reset. (gunicorn's own default of 2 seconds reset such requests under load.)"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from koepel.core.management.commands.serve import GUNICORN_CONFIG
from koepel.core.tests.test_serve import _free_port

STARTUP_SECONDS = 60
# Longer than gunicorn's default keep-alive (2 s) plus its worker's check of idle connections
# (once a second): with the default the server has closed the connection by then.
IDLE_SECONDS = 3.5

# A WSGI application that answers every request; the point is the server's settings.
APP = "koepel.core.tests.hello_wsgi:application"


def _get(connection: http.client.HTTPConnection) -> int:
    connection.request("GET", "/")
    response = connection.getresponse()
    response.read()
    return response.status


def test_a_connection_idle_longer_than_gunicorns_default_is_still_answered(
    tmp_path: Path,
) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    env.pop("KOEPEL_KEEPALIVE", None)
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as out:
        server = subprocess.Popen(  # noqa: S603 - this Python, our own arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                APP,
                "--config",
                GUNICORN_CONFIG,
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--worker-class",
                "gthread",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while True:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                assert _get(connection) == 200
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        time.sleep(IDLE_SECONDS)  # a person reading the page
        sock = connection.sock
        assert _get(connection) == 200
        assert connection.sock is sock, "the request went out on a new connection"
        connection.close()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
