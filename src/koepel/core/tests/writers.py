"""Writers for the crash and concurrency tests, run as ``python -m koepel.core.tests.writers``
against the installation named by KOEPEL_DATA_DIR.

Django is set up once; each writer is then a forked child that opens its own database
connection, so starting twenty of them, or killing and starting one twenty times, takes
milliseconds rather than a Python start-up each. Writes go through the registry's service, the
same path as the pages: the person and its search entry in one transaction.

Commands, one per line on standard input; answers on standard output:

``fork FILE``        start a writer that writes until killed and appends the id of every
                     committed person to FILE; answers ``child PID``
``burst N STOP [LOW HIGH]``
                     start N writers that each write a person every 0.1-0.5 s (or every LOW to
                     HIGH seconds) until the file STOP exists; each
                     appends ``ok ID after SECONDSs`` or ``error MESSAGE after SECONDSs`` lines
                     to its own file ``burst-K.log`` in the data folder; answers
                     ``children PID PID …``
``wait``             wait for every child; answers ``done``
"""

from __future__ import annotations

import os
import random
import sys
import time
import traceback

import django

django.setup()

from django.db import connections  # noqa: E402

from koepel.registry.models import Person  # noqa: E402
from koepel.registry.services import person_save  # noqa: E402


def _write_forever(path: str, tag: str) -> None:
    out = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    number = 0
    while True:
        number += 1
        person = person_save(
            person=Person(name=f"Schrijver {tag}-{number}", slug=f"schrijver-{tag}-{number}")
        )
        # Written only after the transaction committed: every id here must survive a crash.
        os.write(out, f"{person.pk} Schrijver {tag}-{number}\n".encode())


def _write_until(path: str, tag: str, stop: str, low: float, high: float) -> None:
    out = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    pause = random.Random(tag)  # noqa: S311 - timing, not a secret
    number = 0
    while not os.path.exists(stop):
        number += 1
        # Like people saving forms: now and then, not flat out.
        time.sleep(pause.uniform(low, high))
        began = time.monotonic()
        try:
            person = person_save(
                person=Person(
                    name=f"Gelijktijdig {tag}-{number}", slug=f"gelijktijdig-{tag}-{number}"
                )
            )
        except Exception as error:
            took = time.monotonic() - began
            os.write(out, f"error {type(error).__name__}: {error} after {took:.1f}s\n".encode())
        else:
            took = time.monotonic() - began
            os.write(out, f"ok {person.pk} after {took:.3f}s\n".encode())


def _fork(target: object, *args: object) -> int:
    connections.close_all()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            target(*args)  # type: ignore[operator]
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            os._exit(code)
    return pid


def main() -> None:
    # One write before the first fork, so every lazy import and cached query is done once here
    # and a child writes from its first moment.
    person_save(person=Person(name="Opwarmen", slug="opwarmen"))
    children: list[int] = []
    rounds = 0
    for line in sys.stdin:
        command, *args = line.split()
        if command == "fork":
            rounds += 1
            children.append(_fork(_write_forever, args[0], str(rounds)))
            print(f"child {children[-1]}", flush=True)
        elif command == "burst":
            count, stop = int(args[0]), args[1]
            low, high = (float(args[2]), float(args[3])) if len(args) == 4 else (0.1, 0.5)
            started = [
                _fork(
                    _write_until,
                    os.path.join(os.environ["KOEPEL_DATA_DIR"], f"burst-{k}.log"),
                    str(k),
                    stop,
                    low,
                    high,
                )
                for k in range(count)
            ]
            children += started
            print("children " + " ".join(map(str, started)), flush=True)
        elif command == "wait":
            for pid in children:
                os.waitpid(pid, 0)
            children.clear()
            print("done", flush=True)


if __name__ == "__main__":
    main()
