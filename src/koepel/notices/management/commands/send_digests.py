"""``koepel send-digests``: one pass of the notices by hand (the task worker makes one every
``KOEPEL_WORKER_RECOVER_SECONDS``): look at the records, send what is wanted at once and the
daily and weekly digests that are due."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from koepel.notices.sending import run


class Command(BaseCommand):
    help = "Send the notifications that are due: at once, and the daily and weekly digests."

    def handle(self, *args: Any, **options: Any) -> None:
        done = run()
        self.stdout.write(
            f"{done['events']} nieuwe gebeurtenissen, {done['immediately']} meldingen direct, "
            f"{done['digests']} overzichten verstuurd"
        )
