"""``koepel new-network``: start a network of one's own on an empty database.

Asks the network's name, short name and website, and the user name and e-mail address of the
first office account (or takes them from the options; with ``--no-input`` nothing is asked),
and makes the network and the account together. The account's password is typed twice, or,
left empty (and always with ``--no-input``), generated and shown once. Refused when a network
exists. ``--show-setup-code`` instead prints a new code for the first-run page, for when the
network is to be started in the browser (``koepel serve`` prints one as it starts).
"""

from __future__ import annotations

import getpass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.urls import reverse

from koepel.accounts.management.commands.office_account import announcement
from koepel.accounts.setup import network_exists, network_start, setup_code_issue
from koepel.registry.selectors import current_network

# The questions, in the order they are asked: option, question.
QUESTIONS = (
    ("name", "Naam van het netwerk"),
    ("short_name", "Korte naam"),
    ("website", "Website (leeg laten mag)"),
    ("username", "Gebruikersnaam van het netwerkbureau"),
    ("email", "E-mailadres van het netwerkbureau"),
)
OPTIONAL = frozenset({"website"})
# The names of the fields in the services' refusals, as the questions call them.
LABELS = {
    "name": "naam",
    "short_name": "korte naam",
    "website": "website",
    "username": "gebruikersnaam",
    "email": "e-mailadres",
    "password": "wachtwoord",  # nosec B105: the word for the field, not a password
}


class Command(BaseCommand):
    help = "Start a network of your own: its name, short name, website and first office account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", help="The network's name.")
        parser.add_argument("--short-name", help="Its short name, for the header of every page.")
        parser.add_argument("--website", help="The address of its own website.")
        parser.add_argument("--username", help="The office account's user name (kantoor).")
        parser.add_argument("--email", help="The office account's e-mail address.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Ask nothing: take the options, and generate the password.",
        )
        parser.add_argument(
            "--show-setup-code",
            action="store_true",
            help="Print a new code for the first-run page in the browser instead.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["show_setup_code"]:
            self._show_setup_code(quiet=options["verbosity"] < 1)
            return
        if network_exists():
            raise CommandError(
                f"Er is al een netwerk: {current_network()}. Een database heeft één netwerk; "
                "wijzig het in het beheer (/beheer/)."
            )
        answers = {name: (options.get(name) or "").strip() for name, _ in QUESTIONS}
        if not answers["username"] and not options["interactive"]:
            answers["username"] = "kantoor"
        for name, question in QUESTIONS:
            if answers[name] or (name in OPTIONAL and not options["interactive"]):
                continue
            if not options["interactive"]:
                option = "--" + name.replace("_", "-")
                raise CommandError(f"Geef {option} mee. Er is niets opgeslagen.")
            default = " [kantoor]" if name == "username" else ""
            answers[name] = input(f"{question}{default}: ").strip()
            if name == "username" and not answers[name]:
                answers[name] = "kantoor"
        password = self._password() if options["interactive"] else None
        try:
            started = network_start(password=password, **answers)
        except ValidationError as error:
            raise CommandError(_refusal(error)) from error
        self.stdout.write(f"Netwerk aangemaakt: {started.network.name} ({started.network}).")
        self.stdout.write(announcement(started.account, started.password, generated=not password))
        self.stdout.write(f"Inloggen: {settings.KOEPEL_BASE_URL}{reverse('accounts:login')}")

    def _password(self) -> str | None:
        first = getpass.getpass("Wachtwoord (leeg laten: Koepel maakt er een): ")
        if not first:
            return None
        if getpass.getpass("Nog eens: ") != first:
            raise CommandError("De wachtwoorden verschillen. Er is niets opgeslagen.")
        return first

    def _show_setup_code(self, *, quiet: bool) -> None:
        if network_exists():
            if not quiet:  # koepel serve asks at every start, and says nothing then
                self.stdout.write(f"Er is al een netwerk ({current_network()}); geen code nodig.")
            return
        code = setup_code_issue()
        self.stdout.write(
            "Er is nog geen netwerk. Richt het in op "
            f"{settings.KOEPEL_BASE_URL}{reverse('accounts:setup')} met deze code:\n"
            f"  {code}\n"
            "De code werkt tot het netwerk er is, of tot er een nieuwe code is gemaakt. Of "
            "richt het netwerk hier in: koepel new-network"
        )


def _refusal(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        parts = [
            f"{LABELS.get(field, field)}: {' '.join(messages)}"
            for field, messages in error.message_dict.items()
        ]
    else:
        parts = error.messages
    return "; ".join(parts) + ". Er is niets opgeslagen."
