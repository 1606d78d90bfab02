"""The ``koepel`` command: Django's management commands under one name.

``koepel serve``, ``koepel demo``, ``koepel migrate`` … are management commands; the command
names may use dashes (``koepel import-population``) where the modules use underscores.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "koepel.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else argv)
    args[0] = "koepel"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    name = args[1] if len(args) > 1 and not args[1].startswith("-") else ""
    if not name or name == "help":
        execute_from_command_line(args)
        return
    import django

    django.setup()
    from koepel.audit.trail import command

    # Changes a command makes are recorded in the audit trail under its name.
    with command(name.replace("_", "-")):
        execute_from_command_line(args)


if __name__ == "__main__":
    main()
