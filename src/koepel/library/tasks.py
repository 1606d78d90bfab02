"""Background work of the knowledge base, run by the task worker beside the web server."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from koepel.library import reading
from koepel.library.models import DocumentFile, Extraction

logger = logging.getLogger(__name__)


class WorkerStopped(Exception):
    """What a reading task left running by a stopped worker is marked failed with."""


@task()
def read_text_later(version_pk: int) -> None:
    """Read a file version that waits: its text, and its sections when it is the latest. Does
    nothing when the version is read already, or by someone else now."""
    reading.read(version_pk)


def recover() -> int:
    """For the task worker, as it starts and every so often (``koepel.core.worker``): versions
    whose reader stopped halfway, or that wait with no reading in the queue, are queued to be
    read; a reading task that a stopped worker left running is marked failed. Returns how
    many versions were queued."""
    waiting = reading.resume_interrupted()
    _forget_lost_tasks()
    if not waiting:
        return 0
    queued = _queued()
    count = 0
    for version_pk in waiting:
        if version_pk not in queued:
            read_text_later.enqueue(version_pk)
            count += 1
    return count


def _database_backend() -> bool:
    from django_tasks_db import DatabaseBackend

    return isinstance(read_text_later.get_backend(), DatabaseBackend)


def _queued() -> set[int]:
    """Versions with a reading task that waits or runs."""
    if not _database_backend():
        return set()
    from django_tasks_db.models import DBTaskResult

    found = DBTaskResult.objects.filter(
        task_path=read_text_later.module_path,
        backend_name=read_text_later.backend,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).values_list("args_kwargs", flat=True)
    return {version for arguments in found if (version := _version_of(arguments)) is not None}


def _version_of(arguments: object) -> int | None:
    if isinstance(arguments, dict):
        args = arguments.get("args") or []
        if len(args) == 1 and isinstance(args[0], int):
            return args[0]
    return None


def _forget_lost_tasks() -> None:
    """Reading tasks left running by a worker that stopped are marked failed (their version
    is read again by a new task): running for longer than a lease lasts, while their version
    is not being read under a live lease."""
    if not _database_backend():
        return
    from django_tasks_db.models import DBTaskResult

    started_before = timezone.now() - timedelta(seconds=settings.KOEPEL_READING_LEASE_SECONDS)
    running = DBTaskResult.objects.filter(
        task_path=read_text_later.module_path,
        backend_name=read_text_later.backend,
        status=TaskResultStatus.RUNNING,
        started_at__lt=started_before,
    ).values_list("pk", "args_kwargs")
    candidates = {pk: _version_of(arguments) for pk, arguments in running}
    being_read = set(
        DocumentFile.objects.filter(
            pk__in=[version for version in candidates.values() if version is not None],
            extraction=Extraction.READING,
            reading_until__gte=timezone.now(),
        ).values_list("pk", flat=True)
    )
    lost = [pk for pk, version in candidates.items() if version not in being_read]
    if lost:
        DBTaskResult.objects.filter(pk__in=lost, status=TaskResultStatus.RUNNING).update(
            status=TaskResultStatus.FAILED,
            finished_at=timezone.now(),
            exception_class_path=f"{WorkerStopped.__module__}.{WorkerStopped.__qualname__}",
            traceback="De taakverwerker stopte terwijl hij dit bestand las; het wordt opnieuw "
            "gelezen.",
        )
        logger.warning("Reading tasks left running by a stopped worker: %s", lost)
