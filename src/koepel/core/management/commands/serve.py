"""``koepel serve``: the production WSGI server (gunicorn, static files by whitenoise) and,
beside it, the task worker that reads large uploads, renders reports and sends the e-mail. It
collects the static files first when they are missing or were collected from other sources."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
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
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "koepel.wsgi:application",
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
        children = [subprocess.Popen(web)]  # noqa: S603 - this Python, our own arguments
        if not options["no_task_worker"]:
            worker = [sys.executable, "-m", "koepel.cli", "db_worker"]
            children.append(subprocess.Popen(worker))  # noqa: S603 - as above
        self.stdout.write(f"Koepel draait op http://{options['bind']}/ ({settings.DATA_DIR})")
        self.stdout.flush()

        def stop(signum: int, frame: object) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        # When one of the two stops, stop the other: a half-running Koepel is worse than none.
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        stop(signal.SIGTERM, None)
        for child in children:
            child.wait(timeout=30)
        sys.exit(max(child.returncode or 0 for child in children))
