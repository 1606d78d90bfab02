"""Rendered files of the annual report, made by the task worker beside the web server.

A request only asks for a file (``request_file``, on a POST); the worker makes it
(``render_file``); a read only looks for one (``file_made``). A
finished file is kept as long as the report it came from is unchanged: its ``source_hash`` is
the fingerprint of what the reader would see, so any change to the records or the words makes
a new one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from koepel.reports.assemble import Assembled, assemble
from koepel.reports.models import AnnualReport, Audience, RenderedFile, RenderStatus
from koepel.reports.renderers import RendererUnavailable, renderers
from koepel.reports.services import require_report_year
from koepel.reports.style import house_style

logger = logging.getLogger(__name__)

# A file still waiting after this long was lost with its worker: ask for a new one.
GIVE_UP_WAITING = dt.timedelta(minutes=15)


def request_file(year: int, format: str, audience: str, *, base: str = "") -> RenderedFile:
    """The report of ``year`` for ``audience`` in ``format``: the finished file when the report
    has not changed since it was made, else the one being made, else a new one that the task
    worker makes once the current transaction is committed. Makes no ``AnnualReport``: a file
    belongs to its year. Refused for a year no report can be about. Its source links start
    with ``base``, the address the file is asked for on (the configured one when empty)."""
    if format not in renderers() or audience not in Audience.values:
        raise ValueError(f"No report as {format} for {audience}")
    require_report_year(year)
    # Read before the transaction: on SQLite a transaction holds the write lock from its start.
    source_hash = _fingerprint(year, audience, base)
    with transaction.atomic():
        found = _current(year, format, audience, source_hash)
        if found is not None:
            return found
        rendered = RenderedFile.objects.create(
            year=year, format=format, audience=audience, source_hash=source_hash, base_url=base
        )
        transaction.on_commit(partial(render_file.enqueue, rendered.pk))
    return rendered


def file_made(year: int, format: str, audience: str, *, base: str = "") -> RenderedFile | None:
    """The file of the report as it is now, finished or being made; None when nobody has asked
    for it (or the last try failed). Only reads."""
    return _current(year, format, audience, _fingerprint(year, audience, base))


def _fingerprint(year: int, audience: str, base: str = "") -> str:
    return _source_hash(
        assemble(
            year, audience, report=AnnualReport.objects.filter(year=year).first(), base=base or None
        )
    )


def _source_hash(assembled: Assembled) -> str:
    """What the file is made of: the report as the reader sees it, and the house style."""
    style = house_style()
    stamp = f"{style.version}|{style.logo.name}|{style.word_template.name}|{style.colophon}"
    return hashlib.sha256(f"{assembled.fingerprint()}|{stamp}".encode()).hexdigest()


def _current(year: int, format: str, audience: str, source_hash: str) -> RenderedFile | None:
    same = RenderedFile.objects.filter(
        year=year, format=format, audience=audience, source_hash=source_hash
    ).order_by("-created_at", "-pk")
    for done in same.filter(status=RenderStatus.DONE):
        if done.file.name and done.file.storage.exists(done.file.name):
            return done
    waiting: RenderedFile | None = same.filter(
        status=RenderStatus.WAITING, created_at__gte=timezone.now() - GIVE_UP_WAITING
    ).first()
    return waiting


@task()
def render_file(rendered_file_pk: int) -> None:
    """Make the file: done with its bytes stored, or failed with the reason. Never raises, so
    the worker goes on with the next task."""
    rendered = RenderedFile.objects.filter(pk=rendered_file_pk).first()
    if rendered is None or rendered.status != RenderStatus.WAITING:
        return
    try:
        renderer = renderers()[rendered.format]
        report = AnnualReport.objects.filter(year=rendered.year).first()
        assembled = assemble(
            rendered.year, rendered.audience, report=report, base=rendered.base_url or None
        )
        content = renderer.render(assembled)
        # The hash of what was rendered: the records may have changed since the request.
        source_hash = _source_hash(assembled)
        name = (
            f"jaarverslag-{rendered.year}-{rendered.audience}-{source_hash[:12]}"
            f".{renderer.extension}"
        )
        rendered.file.save(name, ContentFile(content), save=False)
        rendered.source_hash = source_hash
        rendered.status, rendered.error = RenderStatus.DONE, ""
        rendered.save(update_fields=["file", "source_hash", "status", "error"])
    except RendererUnavailable as error:
        _fail(rendered, str(error))
        return
    except Exception as error:
        logger.exception("Rendering report file %s failed", rendered_file_pk)
        _fail(rendered, f"Het bestand kon niet worden gemaakt: {type(error).__name__}: {error}")
        return
    try:
        _drop_superseded(rendered)
    except Exception:
        logger.exception("Could not remove the files that report file %s replaces", rendered.pk)


def _fail(rendered: RenderedFile, message: str) -> None:
    try:
        RenderedFile.objects.filter(pk=rendered.pk).update(
            status=RenderStatus.FAILED, error=message[:300]
        )
    except Exception:
        logger.exception("Could not record the failure of report file %s", rendered.pk)


def _drop_superseded(rendered: RenderedFile) -> None:
    """Files of the same report, format and audience made from an older state of the report
    are not kept: nobody gets them again."""
    older = (
        RenderedFile.objects.filter(
            year=rendered.year,
            format=rendered.format,
            audience=rendered.audience,
            base_url=rendered.base_url,
        )
        .exclude(pk=rendered.pk)
        .exclude(status=RenderStatus.WAITING)
    )
    for old in older:
        if old.status == RenderStatus.DONE and old.source_hash == rendered.source_hash:
            continue  # as good as this one; someone may be looking at it
        if old.file:
            old.file.delete(save=False)
        old.delete()


def recurring() -> None:
    """Each pass of the task worker (``koepel.core.worker``): remind the writers of report
    sections whose date is near or has passed. Each reminder goes once
    (``services.remind_writers``)."""
    from koepel.reports.services import remind_writers

    remind_writers()
