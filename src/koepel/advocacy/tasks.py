"""Background work of the lobby, run by the task worker beside the web server."""

from __future__ import annotations

from django_tasks import TaskResultStatus, task

from koepel.advocacy import consultation, services


@task()
def send_consultation_reminders() -> int:
    """Remind the cities of every consultation whose deadline is near and that have not
    answered, each city once; returns how many were reminded."""
    return services.consultation_send_due_reminders()


def recurring() -> int:
    """On each pass of the task worker (``koepel.core.worker``): when the reminders of a
    consultation are due and no run waits to send them, queue one. This is how reminders go
    out on their day without a cron job. Returns how many runs were queued."""
    if not consultation.due().exists() or _waiting():
        return 0
    send_consultation_reminders.enqueue()
    return 1


def _waiting() -> bool:
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(send_consultation_reminders.get_backend(), DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        task_path=send_consultation_reminders.module_path,
        backend_name=send_consultation_reminders.backend,
        status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING],
    ).exists()
