"""``koepel serve``: the production WSGI server (gunicorn, static files by whitenoise) and,
beside it, the task worker that reads uploads, renders reports and sends the e-mail. It
collects the static files first when they are missing or were collected from other sources.

It watches both: one that stops is started again, after a pause that doubles with each stop in
quick succession (up to half a minute), while the other goes on serving. SIGTERM or SIGINT stops
both, and then ``koepel serve`` itself."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError

from koepel.core.mail import send_waiting_mail_later
from koepel.core.staticfiles import collect_if_stale


class Command(BaseCommand):
    help = "Serve Koepel with gunicorn and run the task worker beside it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("KOEPEL_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("KOEPEL_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("KOEPEL_THREADS", "4"))
        )
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help="Run only the web server (when the task worker runs elsewhere).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        # Before gunicorn starts: its workers read the manifest of hashed names once, at start.
        if collect_if_stale():
            self.stdout.write(f"Statische bestanden verzameld in {settings.STATIC_ROOT}")
        # E-mail still queued when Koepel stopped goes out now, not only with the next message.
        try:
            if send_waiting_mail_later():
                self.stdout.write("Wachtende e-mail is doorgegeven aan de taakverwerker.")
        except DatabaseError as error:  # not migrated yet, or not reachable: the pages will say
            self.stderr.write(f"Wachtende e-mail niet nagekeken: {error}")
        # On a database without a network: a new code for the first-run page, on this console
        # only (the command is the accounts app's, called by its name).
        try:
            call_command("new_network", "--show-setup-code", verbosity=0, stdout=self.stdout)
        except DatabaseError as error:
            self.stderr.write(f"Niet nagekeken of er al een netwerk is: {error}")
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "koepel.wsgi:application",
            "--config",
            GUNICORN_CONFIG,
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
            "--forwarded-allow-ips",
            os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        ]
        children = [Child("de webserver", web)]
        if not options["no_task_worker"]:
            children.append(
                Child("de taakverwerker", [sys.executable, "-m", "koepel.cli", "task-worker"])
            )
        for child in children:
            child.start()
        self.stdout.write(f"Koepel draait op http://{options['bind']}/ ({settings.DATA_DIR})")
        self.stdout.flush()

        stopping = False

        def stop(signum: int, frame: object) -> None:
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            for child in children:
                if message := child.watch():
                    self.stderr.write(message)
                    self.stderr.flush()
            time.sleep(0.2)
        for child in children:
            child.stop()
        for child in children:
            child.wait(timeout=STOP_SECONDS)


# gunicorn's settings that the command line does not give (keep-alive): see the module.
GUNICORN_CONFIG = "python:koepel.core.gunicorn_config"
# A child that ran this long before it stopped is started again at once; one that stops sooner
# waits BACKOFF seconds, twice as long after each further quick stop, at most MAX_BACKOFF.
STEADY_SECONDS = 60.0
BACKOFF = 1.0
MAX_BACKOFF = 30.0
# How long a child may take to finish its work once asked to stop.
STOP_SECONDS = 30.0


class Child:
    """One process of ``koepel serve``, started again whenever it stops."""

    def __init__(self, name: str, command: list[str]) -> None:
        self.name = name
        self.command = command
        self.process: subprocess.Popen[bytes] | None = None
        self.started = 0.0
        self.quick_stops = 0
        self.start_at = 0.0

    def start(self) -> None:
        self.process = subprocess.Popen(self.command)  # noqa: S603 - this Python, our own arguments
        self.started = time.monotonic()

    def watch(self) -> str:
        """Start the child again when it stopped and its pause is over; what to report."""
        now = time.monotonic()
        if self.process is None:
            if now >= self.start_at:
                self.start()
                return f"{self.name} is opnieuw gestart."
            return ""
        code = self.process.poll()
        if code is None:
            return ""
        ran = now - self.started
        self.quick_stops = 0 if ran >= STEADY_SECONDS else self.quick_stops + 1
        pause = (
            0.0 if not self.quick_stops else min(MAX_BACKOFF, BACKOFF * 2 ** (self.quick_stops - 1))
        )
        self.process = None
        self.start_at = now + pause
        return (
            f"{self.name.capitalize()} stopte (code {code}) na {ran:.0f} s; "
            f"opnieuw starten over {pause:.0f} s."
        )

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        if self.process is None:
            return
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
