"""What people write in the annual report, and the files rendered from it. The structure and
the facts are not stored: they follow from the registry and the year's records."""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from koepel.core.storage import private_storage


class SectionStatus(models.TextChoices):
    DRAFT = "concept", _("draft")
    REVIEW = "ter_review", _("for review")
    FINAL = "definitief", _("final")


class Audience(models.TextChoices):
    PUBLIC = "public", _("public")
    NETWORK = "network", _("network (internal)")


class AnnualReport(models.Model):
    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering: ClassVar = ["-year"]

    def __str__(self) -> str:
        return str(self.year)

    def get_absolute_url(self) -> str:
        return reverse("reports:report", args=[self.year])


class SectionText(models.Model):
    """The words of one section: its narrative, its status, and what was done with the
    generated facts (dropped, or rewritten)."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="texts")
    key = models.CharField(max_length=40)
    narrative = models.TextField(
        _("narrative"), blank=True, help_text=_("Markdown: paragraphs, **bold**, lists, links.")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=SectionStatus.choices, default=SectionStatus.DRAFT
    )
    dropped = models.JSONField(default=list, blank=True)
    edited = models.JSONField(default=dict, blank=True)
    # The writing workflow: the office gives a section to a writer with a date; the writer
    # sets it "ter review"; the office makes it final or sends it back with a note.
    writer = models.ForeignKey(
        "registry.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="report_sections",
        verbose_name=_("writer"),
    )
    due = models.DateField(_("due"), null=True, blank=True)
    review_note = models.TextField(_("note from the office"), blank=True)
    reminded_on = models.DateField(null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report section text")
        verbose_name_plural = _("report section texts")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["report", "key"], name="one_text_per_section")
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.key}"


class RenderStatus(models.TextChoices):
    WAITING = "wachtend", _("being made")
    DONE = "klaar", _("ready")
    FAILED = "mislukt", _("failed")


class RenderedFile(models.Model):
    """A rendered report, kept until the report it came from changes (same source hash). It
    belongs to a year, not to an ``AnnualReport``: asking for a file never makes a report."""

    year = models.PositiveSmallIntegerField(_("year"))
    format = models.CharField(max_length=8)
    audience = models.CharField(max_length=8, choices=Audience.choices)
    source_hash = models.CharField(max_length=64)
    status = models.CharField(
        max_length=8, choices=RenderStatus.choices, default=RenderStatus.WAITING
    )
    error = models.CharField(max_length=300, blank=True)
    # The address the file's source links start with: the one it was asked for on.
    base_url = models.CharField(max_length=200, blank=True)
    file = models.FileField(upload_to="reports/", storage=private_storage, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering: ClassVar = ["-created_at"]
        indexes: ClassVar = [models.Index(fields=["year", "format", "audience", "source_hash"])]

    def __str__(self) -> str:
        return f"{self.year} {self.audience}.{self.format}"


class CompleteYear(models.Model):
    """A body's year whose meetings are all recorded, as its secretary or the office marked it.
    Until it is marked, the report says how many meetings are recorded ("ten minste drie
    keer"), never a count the records may not have."""

    body = models.ForeignKey(
        "registry.Body",
        on_delete=models.CASCADE,
        related_name="complete_years",
        verbose_name=_("body"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("marked by"),
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)

    class Meta:
        verbose_name = _("completely recorded year")
        verbose_name_plural = _("completely recorded years")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["body", "year"], name="one_mark_per_body_and_year")
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.year}"


class ReportStyle(models.Model):
    """The office's house style for the report files: a logo on the cover of the PDF, a Word
    template whose styles the DOCX takes, and the colophon's own lines. One row."""

    logo = models.FileField(
        _("logo"),
        upload_to="reports/style/",
        storage=private_storage,
        blank=True,
        help_text=_("PNG or JPEG, at most 2 MB; shown on the cover of the PDF."),
    )
    word_template = models.FileField(
        _("Word template"),
        upload_to="reports/style/",
        storage=private_storage,
        blank=True,
        help_text=_(
            "A .docx file whose styles (Title, Heading 1 and 2, Normal, Body Text) the Word "
            "version takes. Its own text is not used."
        ),
    )
    colophon = models.TextField(
        _("colophon"),
        blank=True,
        help_text=_(
            "Markdown: who made the report, photographs, address. Printed after the cover."
        ),
    )

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("house style of the annual report")
        verbose_name_plural = _("house styles of the annual report")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class Publication(models.Model):
    """The public report of a year as the office published it: its page and its three files,
    frozen at that moment. The public report page shows the newest finished publication of a
    year until the office publishes again; the live report is what members edit meanwhile."""

    year = models.PositiveSmallIntegerField(_("year"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    status = models.CharField(
        max_length=8, choices=RenderStatus.choices, default=RenderStatus.WAITING
    )
    error = models.CharField(max_length=300, blank=True)
    # The address source links were written with: the one the office published from.
    base_url = models.CharField(max_length=200, blank=True)
    page = models.TextField(blank=True, help_text="The report's sections as the page shows them.")
    html = models.FileField(upload_to="reports/published/", storage=private_storage, blank=True)
    docx = models.FileField(upload_to="reports/published/", storage=private_storage, blank=True)
    pdf = models.FileField(upload_to="reports/published/", storage=private_storage, blank=True)

    class Meta:
        verbose_name = _("publication of an annual report")
        verbose_name_plural = _("publications of annual reports")
        ordering: ClassVar = ["-requested_at", "-pk"]
        indexes: ClassVar = [models.Index(fields=["year", "status"])]

    def __str__(self) -> str:
        return f"{self.year} {self.published_at or self.status}"

    def file(self, format: str) -> Any:
        return {"html": self.html, "docx": self.docx, "pdf": self.pdf}.get(format)
