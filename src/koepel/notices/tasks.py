"""The notices in the task worker: each pass of the worker (``koepel.core.worker``) looks at
the records, sends what people want at once and the digests that are due."""

from __future__ import annotations

from koepel.notices.sending import run


def recurring() -> None:
    run()
