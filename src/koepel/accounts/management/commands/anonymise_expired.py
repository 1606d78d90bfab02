"""``koepel anonymise-expired``: remove personal data that has passed its retention period.

Whose data: people whose last role ended more than KOEPEL_RETENTION_DAYS ago. Their contact
details, account and calendar addresses go; their name stays in the minutes, attendance lists
and other records of the network. Log entries older than the period lose their personal data.
What each app removes is in its ``retention`` module (koepel.core.retention). Safe to run
again: what is gone is not counted twice. Run it daily or weekly, from cron or a timer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from koepel.accounts.models import User
from koepel.core.dates import format_partial_date
from koepel.core.retention import Expiry, Outcome, steps
from koepel.registry.selectors import people_past_retention


class Command(BaseCommand):
    help = "Remove contact details and accounts of people whose last role ended longer ago than the retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Only say what would be removed; change nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run: bool = options["dry_run"]
        days: int = settings.KOEPEL_RETENTION_DAYS
        now = timezone.now()
        cutoff = timezone.localdate(now) - dt.timedelta(days=days)
        # The office's own accounts belong to the office, not to a role in a body.
        office_people = User.objects.filter(
            Q(is_office=True) | Q(is_superuser=True), person__isnull=False
        ).values("person_id")
        people = list(people_past_retention(cutoff).exclude(pk__in=office_people))
        self.stdout.write(
            f"Bewaartermijn: {days} dagen. Personen van wie de laatste rol vóór "
            f"{format_partial_date(cutoff)} eindigde: {len(people)}."
        )
        for person in people:
            ended = format_partial_date(getattr(person, "last_role_end", None))
            self.stdout.write(f"  {person.name} (laatste rol tot {ended})")
        expiry = Expiry(
            people=frozenset(person.pk for person in people), before=now - dt.timedelta(days=days)
        )
        with transaction.atomic():
            outcomes: list[Outcome] = [step(expiry, dry_run) for step in steps()]
        verb = "te verwijderen" if dry_run else "verwijderd"
        for outcome in outcomes:
            self.stdout.write(f"{outcome.what}: {outcome.count} {verb}")
        if dry_run:
            self.stdout.write("Proefdraai: er is niets gewijzigd.")
        elif not any(outcome.count for outcome in outcomes):
            self.stdout.write(self.style.SUCCESS("Niets te verwijderen."))
        else:
            self.stdout.write(self.style.SUCCESS("Klaar."))
