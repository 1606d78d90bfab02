"""``koepel send-queued-mail``: send the queued e-mail that is due now, in this process, and say
how it went. The task worker does the same by itself; this is for an operator who wants to see
it happen, or who fixed the mail server and wants failed messages tried again (``--failed``).
It replaces django-post-office's command of the same name, which would skip Koepel's lock and
the planning of retries."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone
from post_office.models import STATUS, Email

from koepel.core.mail import plan_retries, requeue, send_due_mail


class Command(BaseCommand):
    help = "Send the queued e-mail that is due now (the task worker does this by itself)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--failed",
            action="store_true",
            help="First put the messages that failed for good back in the queue.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["failed"]:
            count = requeue(Email.objects.filter(status=STATUS.failed))
            self.stdout.write(f"Weer in de wachtrij: {count} mislukte e-mail(s).")
        outcome = send_due_mail()
        if outcome is None:
            self.stdout.write("Een ander proces verstuurt de e-mail al; dat maakt de rij leeg.")
            return
        due = plan_retries()
        self.stdout.write(
            f"Verstuurd: {outcome.sent}. Mislukt: {outcome.failed}. "
            f"Later opnieuw geprobeerd: {outcome.requeued}."
        )
        if due is not None:
            moment = timezone.localtime(due).strftime("%d-%m-%Y %H:%M")
            self.stdout.write(f"De volgende poging is op {moment}.")
