"""The task worker's duties besides running tasks (``koepel task-worker``, started by
``koepel serve``).

- ``recover()``: work that a stopped worker left half done is taken up again. An app takes
  part with a function ``recover()`` in its ``tasks`` module, which puts what was left back
  in the queue and returns how many; the worker calls each as it starts and then every
  ``KOEPEL_WORKER_RECOVER_SECONDS``. A ``recover()`` must be safe to call at any moment, also
  beside a running task and in several workers at once.
- ``recurring()``: work that comes back on its own, such as the notices and digests. An app
  takes part with a function ``recurring()`` in its ``tasks`` module; the worker calls each
  after the recoveries, in the same rhythm. It must be as safe as ``recover()`` to call at any
  moment and in several workers at once.
- ``stopping``: set when the worker is asked to stop. A long task looks at it between its
  steps and hands its work back (to be taken up at the next start) instead of holding up
  the stop.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from django.apps import apps
from django.db import connections

logger = logging.getLogger(__name__)

stopping = threading.Event()


def _hooks(name: str) -> list[tuple[str, Callable[[], Any]]]:
    """(app label, its ``tasks.<name>``) for every app that has one, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        module_name = f"{config.name}.tasks"
        if config.name.startswith("koepel.") and find_spec(module_name):
            hook = getattr(import_module(module_name), name, None)
            if callable(hook):
                found.append((config.label, hook))
    return found


def recoveries() -> list[tuple[str, Callable[[], int]]]:
    """(app label, its ``tasks.recover``) for every app that has one, in INSTALLED_APPS order."""
    return _hooks("recover")


def recurring() -> None:
    """Run every app's ``recurring()``; one that fails is logged and keeps no other from
    running."""
    for label, hook in _hooks("recurring"):
        try:
            hook()
        except Exception:
            logger.exception("The recurring work of %s failed", label)


def recover() -> dict[str, int]:
    """Run every app's ``recover()``; how many pieces of work each put back in the queue.
    One that fails is logged and does not keep the others from running."""
    done: dict[str, int] = {}
    for label, hook in recoveries():
        try:
            done[label] = hook()
        except Exception:
            logger.exception("Recovering the unfinished work of %s failed", label)
    return done


def recover_every(seconds: float) -> None:
    """``recover()`` now and then every ``seconds``, until the worker stops (run in a thread
    of its own, with its own database connection)."""
    while not stopping.is_set():
        try:
            for label, count in recover().items():
                if count:
                    logger.warning("%s: %d onderbroken taken opnieuw in de wachtrij", label, count)
            recurring()
        finally:
            connections.close_all()  # this thread's own; a new one next time
        stopping.wait(seconds)
