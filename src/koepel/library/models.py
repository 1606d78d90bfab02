"""The knowledge base: documents with their versions, their text, and their sections."""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from koepel.advocacy.models import Dossier
from koepel.core.dates import format_partial_date, precision_field
from koepel.core.storage import private_storage
from koepel.core.visibility import visibility_field
from koepel.meetings.models import Meeting
from koepel.registry.models import Body, Municipality, Organisation, Person


class DocumentKind(models.TextChoices):
    REPORT = "rapport", _("report")
    WHITE_PAPER = "white_paper", _("white paper")
    LETTER = "brief", _("letter")
    POSITION_PAPER = "position_paper", _("position paper")
    PROPOSITION = "propositie", _("proposition")
    BOOK = "boek", _("book")
    MINUTES = "notulen", _("minutes")
    AGENDA = "agenda", _("agenda")
    ANNUAL_REPORT = "jaarverslag", _("annual report")
    PRESENTATION = "presentatie", _("presentation")
    OTHER = "overig", _("other")


class WooCategory(models.TextChoices):
    """Information categories of the Wet open overheid (value list scw_woo_informatiecategorieen)."""

    ANNUAL_PLAN_OR_REPORT = "c_c6cd1213", _("annual plan or annual report")
    MEETING_DOCUMENT = "c_db4862c3", _("meeting document of a decentralised government")
    AGENDA_OR_DECISIONS = "c_3a248e3a", _("agenda or decision list of an executive board")
    ADVICE = "c_99a836c7", _("advice")
    RESEARCH_REPORT = "c_fdaee95e", _("research report")
    COVENANT = "c_8fc2335c", _("covenant")
    ORGANISATION = "c_40a05794", _("organisation and working method")


class Language(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class Document(models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=90, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    date = models.DateField(_("date"), null=True, blank=True)
    date_precision = precision_field(_("date precision"))
    summary = models.TextField(_("summary"), blank=True)
    author_people = models.ManyToManyField(
        Person, blank=True, related_name="documents", verbose_name=_("authors (people)")
    )
    author_organisations = models.ManyToManyField(
        Organisation,
        blank=True,
        related_name="authored_documents",
        verbose_name=_("authors (organisations)"),
    )
    publisher = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="published_documents",
        verbose_name=_("publisher"),
    )
    bodies = models.ManyToManyField(
        Body, blank=True, related_name="documents", verbose_name=_("bodies")
    )
    meetings = models.ManyToManyField(
        Meeting, blank=True, related_name="documents", verbose_name=_("meetings")
    )
    dossiers = models.ManyToManyField(
        Dossier, blank=True, related_name="documents", verbose_name=_("lobby dossiers")
    )
    woo_category = models.CharField(
        _("Woo information category"), max_length=12, choices=WooCategory.choices, blank=True
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.DUTCH
    )
    visibility = visibility_field()
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        # The id breaks ties, so that a page boundary never repeats or skips a document.
        ordering: ClassVar = ["-date", "title", "pk"]
        # The lists (pages and API) read the newest first: with this index the database walks
        # the documents in that order and stops after a page, instead of sorting them all.
        indexes: ClassVar = [
            models.Index(fields=["-date", "title", "id"], name="document_newest_first_id"),
            # A picker's answer reads documents by title, walking this index (core/pickers.py).
            models.Index(fields=["title", "id"], name="document_picker_order"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("library:document", args=[self.slug])

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)


class Extraction(models.TextChoices):
    """Where the reading of a file version stands (``reading.py``). Done means its text and,
    for the latest version, its sections are all stored; a file without text is failed."""

    PENDING = "wachtend", _("waiting")
    READING = "bezig", _("being read")
    DONE = "klaar", _("done")
    FAILED = "mislukt", _("could not be read")


def file_upload_to(version: DocumentFile, filename: str) -> str:
    # A folder of its own for every upload: a document's id may be given again after an
    # upload that failed (SQLite reuses the highest id), so the id alone could lead a new
    # file into a folder that an earlier, rolled-back upload wrote.
    return f"documents/{uuid.uuid4().hex}/{filename}"


class DocumentFile(models.Model):
    """One version of a document's file. Every version is kept; the latest is shown."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="files")
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(
        _("file"), upload_to=file_upload_to, storage=private_storage, max_length=300
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    text = models.TextField(_("text"), blank=True)
    extraction = models.CharField(
        _("reading"), max_length=8, choices=Extraction.choices, default=Extraction.PENDING
    )
    extraction_error = models.CharField(_("why it could not be read"), max_length=300, blank=True)
    # The lease of whoever reads the version now: until when, and the reader's name (random,
    # new for every reading). It is renewed as the reading goes on, so a lease that ran out
    # means its reader stopped, and the task worker reads the version again.
    reading_until = models.DateTimeField(null=True, blank=True, editable=False)
    reader = models.CharField(max_length=32, blank=True, editable=False)
    # How often a reader stopped halfway; after a few times the version is failed.
    reading_interruptions = models.PositiveSmallIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("file version")
        verbose_name_plural = _("file versions")
        ordering: ClassVar = ["document", "-number"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["document", "number"], name="one_file_per_version")
        ]
        # The task worker looks for versions waiting or being read; the office for failed ones.
        indexes: ClassVar = [models.Index(fields=["extraction"], name="documentfile_reading")]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"

    def get_absolute_url(self) -> str:
        return reverse("library:download", args=[self.document.slug, self.number])


class Section(models.Model):
    """A part of a document under one heading, indexed on its own for search."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    position = models.PositiveIntegerField(_("position"))
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    title = models.CharField(_("title"), max_length=300)
    trail = models.CharField(_("trail"), max_length=600)
    text = models.TextField(_("text"), blank=True)
    municipalities = models.ManyToManyField(Municipality, blank=True, related_name="sections")
    organisations = models.ManyToManyField(Organisation, blank=True, related_name="sections")
    people = models.ManyToManyField(Person, blank=True, related_name="sections")
    bodies = models.ManyToManyField(Body, blank=True, related_name="sections")

    class Meta:
        verbose_name = _("section")
        verbose_name_plural = _("sections")
        ordering: ClassVar = ["document", "position"]

    def __str__(self) -> str:
        return self.trail

    def get_absolute_url(self) -> str:
        return f"{self.document.get_absolute_url()}#{self.anchor}"

    @property
    def anchor(self) -> str:
        """The id of the section on its document's page."""
        return f"sectie-{self.position}"
