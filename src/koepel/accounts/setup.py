"""Starting a network on an empty database: the network's own record and the first account of
its office, made together (``koepel new-network`` and the first-run page ``/inrichten/``).

While no network exists, every page leads to the first-run page (``FirstRunMiddleware``). That
page is open to whoever reaches the site first, so it asks for a setup code that only someone
with access to the server can know: ``koepel serve`` prints a new one as it starts on a
database without a network, as does ``koepel new-network --show-setup-code``. Only the code's
hash is kept, in the data folder, and a code given is compared with it in constant time. The
code works once: starting the network removes it, and once a network exists the page and the
command refuse.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from koepel.accounts.models import User
from koepel.accounts.services import office_account_create
from koepel.core.validators import no_line_breaks
from koepel.registry.models import Network
from koepel.registry.services import network_save
from koepel.registry.vocabulary import install_default_vocabulary

# Letters and digits that cannot be mistaken for one another when read off a console.
_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
_GROUPS, _GROUP_SIZE = 3, 4  # ABCD-EFGH-JKLM: 60 bits


def network_exists() -> bool:
    return Network.objects.exists()


def _code_file() -> Path:
    return Path(settings.KOEPEL_SETUP_CODE_FILE)


def _digest(code: str) -> str:
    cleaned = "".join(code.split()).replace("-", "").upper()
    return hashlib.sha256(cleaned.encode()).hexdigest()


def setup_code_issue() -> str:
    """A new setup code, replacing any earlier one; only its hash is stored. Shown once."""
    code = "-".join(
        "".join(secrets.choice(_ALPHABET) for _ in range(_GROUP_SIZE)) for _ in range(_GROUPS)
    )
    path = _code_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    waiting = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(waiting, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        out.write(_digest(code))
    waiting.replace(path)
    return code


def setup_code_issued() -> bool:
    return _code_file().is_file()


def setup_code_matches(code: str) -> bool:
    """Whether ``code`` is the setup code issued last (compared in constant time)."""
    try:
        stored = _code_file().read_text().strip()
    except FileNotFoundError:
        return False
    return bool(stored) and hmac.compare_digest(stored, _digest(code))


def _setup_code_forget() -> None:
    _code_file().unlink(missing_ok=True)


@dataclass(frozen=True)
class Started:
    network: Network
    account: User
    password: str  # the password given, or the one generated: shown once


def network_start(
    *,
    name: str,
    short_name: str,
    website: str,
    username: str,
    email: str,
    password: str | None = None,
) -> Started:
    """The network and the first office account, both or neither. Refused once a network
    exists. Without a password one is generated. The setup code is used up."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Two starts at the same moment must not make two networks (SQLite's write lock,
            # taken as the transaction begins, already keeps them apart).
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {Network._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        if network_exists():
            raise ValidationError(_("This site already has a network; it cannot be set up again."))
        errors: dict[str, list[str]] = {}
        network = Network(name=name.strip(), short_name=short_name.strip(), website=website.strip())
        try:
            network.full_clean()
        except ValidationError as error:
            errors.update(error.message_dict)
        for field in ("name", "short_name"):  # one line each, in the header and the title
            try:
                no_line_breaks(getattr(network, field))
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.messages)
        try:
            account, shown = office_account_create(
                username=username.strip(), email=email.strip(), password=password
            )
        except ValidationError as error:
            errors.update(error.message_dict)
        if errors:
            raise ValidationError(errors)
        network_save(network=network)
        # A new network starts with a neutral vocabulary (kinds of body and meeting,
        # functions), which the office changes to its own under Woordenlijst.
        install_default_vocabulary()
    _setup_code_forget()
    return Started(network=network, account=account, password=shown)
