"""``koepel office-account``: make sure the network office can sign in.

Creates the first office account with a generated password and prints it once. When an office
account already exists, says so and changes nothing. The account has no second factor yet: its
first sign-in asks to set one up before anything else opens (docs/security.md).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db.models import Q

from koepel.accounts.models import User
from koepel.accounts.services import office_account_create


class Command(BaseCommand):
    help = "Create the first network-office account, with a generated password shown once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--username", default="kantoor")

    def handle(self, *args: Any, **options: Any) -> None:
        existing = User.objects.filter(Q(is_office=True) | Q(is_superuser=True)).first()
        if existing is not None:
            self.stdout.write(
                f"Inloggen als '{existing.username}' met het wachtwoord dat bij de eerste start "
                f"is getoond. Nieuw wachtwoord: koepel changepassword {existing.username}"
            )
            return
        user, password = office_account_create(username=options["username"])
        self.stdout.write(announcement(user, password, generated=True))


def announcement(user: User, password: str, *, generated: bool) -> str:
    """What a new office account is told (also by ``koepel new-network``): a password made
    for it is shown here once."""
    lines = ["Netwerkbureau-account aangemaakt.", f"  gebruikersnaam: {user.username}"]
    if generated:
        lines += [
            f"  wachtwoord:     {password}",
            "Bewaar dit wachtwoord nu: het wordt niet nog eens getoond.",
        ]
    lines.append(
        "Bij de eerste keer inloggen stel je de tweestapsverificatie in: houd een "
        "authenticator-app op je telefoon bij de hand."
    )
    return "\n".join(lines)
