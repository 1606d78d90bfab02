"""``koepel serve``: the production WSGI server (gunicorn) with static files by whitenoise."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Serve Koepel with gunicorn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("KOEPEL_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("KOEPEL_WORKERS", "2"))
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("KOEPEL_THREADS", "4"))
        )

    def handle(self, *args: Any, **options: Any) -> None:
        arguments = [
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
        self.stdout.write(f"Koepel draait op http://{options['bind']}/ ({settings.DATA_DIR})")
        self.stdout.flush()
        # Replace this process so that signals reach gunicorn directly.
        os.execv(sys.executable, arguments)  # noqa: S606 - this Python, arguments from the command line
