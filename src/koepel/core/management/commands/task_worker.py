"""``koepel task-worker``: the task worker that ``koepel serve`` runs beside the web server. It
runs the queued tasks as django-tasks-db's worker does, and also takes up the work a stopped
worker left half done (``koepel.core.worker``): as it starts, and every
``KOEPEL_WORKER_RECOVER_SECONDS`` after that."""

from __future__ import annotations

import threading
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from koepel.core.worker import recover_every, stopping


class _Worker(Worker):
    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        # A long task sees this between its steps and hands its work back.
        stopping.set()
        super().shutdown(signum, frame)


class Command(BaseCommand):
    help = "Run the queued tasks, and take up the work a stopped worker left half done."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="Seconds to wait before looking for new tasks when there are none.",
        )
        parser.add_argument(
            "--queue-name", default="default", help="Queues to run, separated by commas."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        worker = _Worker(
            queue_names=options["queue_name"].split(","),
            interval=options["interval"],
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        threading.Thread(
            target=recover_every,
            args=(settings.KOEPEL_WORKER_RECOVER_SECONDS,),
            name="recover",
            daemon=True,
        ).start()
        worker.configure_signals()
        worker.run()
