"""Publishing the annual report, and the house style its files are made in.

"Publiceren" freezes the public report of a year: the page as readers see it and its HTML,
Word and PDF files, made by the task worker and kept with their date. Until the office
publishes again, the public report page shows that version, whatever changes in the records
or the words meanwhile; members keep working on the live report.
"""

from __future__ import annotations

import io
import logging
import zipfile
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_tasks import task

from koepel.accounts.access import viewer_for
from koepel.accounts.models import User
from koepel.core.locking import save_versioned
from koepel.core.storage import private_storage
from koepel.core.uploads import DOCX, check_upload
from koepel.reports.assemble import assemble
from koepel.reports.models import (
    AnnualReport,
    Audience,
    Publication,
    RenderStatus,
    ReportStyle,
)
from koepel.reports.renderers import RendererUnavailable, renderers
from koepel.reports.services import require_report_year
from koepel.reports.style import LOGO_LIMIT, house_style, logo_type

logger = logging.getLogger(__name__)


def _check_logo(file: UploadedFile[Any]) -> None:
    if file.size is not None and file.size > LOGO_LIMIT:
        raise ValidationError({"logo": _("The logo may be at most 2 MB.")}, code="too_large")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if logo_type(head) is None:
        raise ValidationError(
            {"logo": _("The logo must be a PNG or JPEG picture.")}, code="wrong_type"
        )


def _check_template(file: UploadedFile[Any]) -> None:
    try:
        check_upload(file, (DOCX,))
    except ValidationError as error:
        raise ValidationError({"word_template": error.messages}, code="wrong_type") from error
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            if "word/styles.xml" not in archive.namelist():
                raise ValidationError(
                    {"word_template": _("This Word file has no styles to take over.")},
                    code="no_styles",
                )
    except zipfile.BadZipFile as error:
        raise ValidationError(
            {"word_template": _("This Word file cannot be read.")}, code="unreadable"
        ) from error
    finally:
        file.seek(0)
    from docx import Document

    try:
        Document(io.BytesIO(file.read()))
    except Exception as error:  # python-docx raises many kinds on a damaged package
        raise ValidationError(
            {"word_template": _("This Word file cannot be read.")}, code="unreadable"
        ) from error
    finally:
        file.seek(0)


@transaction.atomic
def style_save(
    *,
    actor: Any,
    colophon: str,
    version: int,
    logo: UploadedFile[Any] | None = None,
    word_template: UploadedFile[Any] | None = None,
    remove_logo: bool = False,
    remove_template: bool = False,
) -> ReportStyle:
    """Save the house style. Files are checked by their bytes before anything is stored; a
    file replaced or removed is deleted after the save is committed."""
    if not viewer_for(actor).is_office:
        raise PermissionDenied(_("Only the network office sets the report's house style."))
    if logo is not None:
        _check_logo(logo)
    if word_template is not None:
        _check_template(word_template)
    style = house_style()
    gone: list[str] = []
    made: list[str] = []
    for field, upload, remove, name in (
        (style.logo, logo, remove_logo, f"logo-{logo.name if logo else ''}"),
        (style.word_template, word_template, remove_template, "sjabloon.docx"),
    ):
        if (upload is not None or remove) and field.name:
            gone.append(field.name)
            field.name = ""
        if upload is not None:
            field.save(name, upload, save=False)
            made.append(field.name or "")
    style.colophon = colophon.strip()
    try:
        style.full_clean()
        save_versioned(style, expected_version=None if style._state.adding else version)
    except Exception:
        _delete_files(made)  # nothing refers to them: the save did not happen
        raise
    transaction.on_commit(partial(_delete_files, gone))
    return style


def _delete_files(names: list[str]) -> None:
    storage = private_storage()
    for name in names:
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete the replaced house style file %s", name)


def published(year: int) -> Publication | None:
    """The newest finished publication of ``year``: what the public report page shows."""
    return (
        Publication.objects.filter(year=year, status=RenderStatus.DONE)
        .order_by("-published_at", "-pk")
        .first()
    )


def publishing(year: int) -> Publication | None:
    """A publication of ``year`` the worker is still making."""
    return Publication.objects.filter(year=year, status=RenderStatus.WAITING).first()


def report_publish(*, actor: Any, year: int, base: str) -> Publication:
    """Ask the worker to publish the public report of ``year`` as it is now. Only the office
    publishes; a year no report can be about is refused; a publication already being made is
    returned rather than a second one started."""
    if not viewer_for(actor).is_office:
        raise PermissionDenied(_("Only the network office publishes the annual report."))
    require_report_year(year)
    with transaction.atomic():
        waiting = publishing(year)
        if waiting is not None:
            return waiting
        publication = Publication.objects.create(
            year=year,
            base_url=base,
            published_by=actor if isinstance(actor, User) else None,
        )
        transaction.on_commit(partial(make_publication.enqueue, publication.pk))
    return publication


@task()
def make_publication(publication_pk: int) -> None:
    """Make the page and the three files of a publication, and only then mark it published:
    whole or not at all. A failure keeps the previous publication on the public page and
    records the reason. Never raises, so the worker goes on."""
    publication = Publication.objects.filter(pk=publication_pk).first()
    if publication is None or publication.status != RenderStatus.WAITING:
        return
    year = publication.year
    try:
        report = AnnualReport.objects.filter(year=year).first()
        assembled = assemble(year, Audience.PUBLIC, report=report, base=publication.base_url)
        page_report = assemble(year, Audience.PUBLIC, report=report, base="")
        with translation.override("nl"):
            page = render_to_string(
                "reports/_sections.html", {"report": page_report, "year": year, "editable": ()}
            )
        files = {}
        for format in ("html", "docx", "pdf"):
            renderer = renderers()[format]
            files[format] = ContentFile(
                renderer.render(assembled), name=f"jaarverslag-{year}.{renderer.extension}"
            )
    except RendererUnavailable as error:
        _fail(publication, str(error))
        return
    except Exception as error:
        logger.exception("Publishing the annual report of %s failed", year)
        _fail(publication, f"Het jaarverslag kon niet worden gepubliceerd: {error}")
        return
    try:
        with transaction.atomic():
            for format, content in files.items():
                publication.file(format).save(content.name, content, save=False)
            publication.page = page
            publication.status, publication.error = RenderStatus.DONE, ""
            publication.published_at = timezone.now()
            publication.save()
    except Exception as error:
        logger.exception("Storing the publication of %s failed", year)
        _fail(publication, f"Het jaarverslag kon niet worden opgeslagen: {error}")


def _fail(publication: Publication, message: str) -> None:
    for format in ("html", "docx", "pdf"):
        stored = publication.file(format)
        if stored:
            try:
                stored.delete(save=False)
            except OSError:
                logger.warning("Could not delete %s of a failed publication", stored.name)
    Publication.objects.filter(pk=publication.pk).update(
        status=RenderStatus.FAILED, error=message[:300]
    )
