"""Lobby: dossiers with what the network wants, the actions taken for them, their outcomes,
and the milestones worth reporting."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koepel.core.dates import format_partial_date, normalise, precision_field
from koepel.core.storage import private_storage
from koepel.core.visibility import Visibility, visibility_field
from koepel.registry.models import Body, Municipality, Organisation, Person, SilenceRule


class DossierStatus(models.TextChoices):
    ONGOING = "lopend", _("ongoing")
    ACHIEVED = "behaald", _("achieved")
    PARTLY = "deels_behaald", _("partly achieved")
    NOT_ACHIEVED = "niet_behaald", _("not achieved")
    WITHDRAWN = "ingetrokken", _("withdrawn")


def status_order_of(status: str) -> int:
    """Where a status comes on the lobby page: as the choices list them, ongoing first."""
    values = list(DossierStatus.values)
    return values.index(status) if status in values else len(values)


class FundingKind(models.TextChoices):
    INCIDENTAL = "incidenteel", _("incidental")
    STRUCTURAL = "structureel", _("structural")


class DatedMixin(models.Model):
    """A date known to the day, the month or the year."""

    date = models.DateField(_("date"))
    date_precision = precision_field(_("date precision"))

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.date:
            self.date = normalise(self.date, self.date_precision)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)


class Dossier(models.Model):
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    goal = models.TextField(_("what the network wants"))
    bodies = models.ManyToManyField(Body, related_name="dossiers", verbose_name=_("bodies"))
    people = models.ManyToManyField(
        Person, blank=True, related_name="dossiers", verbose_name=_("people working on it")
    )
    external_bodies = models.ManyToManyField(
        Body,
        blank=True,
        related_name="served_dossiers",
        verbose_name=_("external bodies"),
        help_text=_("Outside bodies where the network's people speak for this dossier."),
    )
    status = models.CharField(
        _("status"), max_length=14, choices=DossierStatus.choices, default=DossierStatus.ONGOING
    )
    # The status's place on the lobby page (``status_order_of``), kept by ``save`` so the
    # list is ordered by an indexed column rather than by a CASE over every row.
    status_order = models.PositiveSmallIntegerField(default=0, editable=False, db_index=True)
    status_date = models.DateField(_("status since"), null=True, blank=True)
    status_date_precision = precision_field(_("precision of the status date"))
    evidence = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("link to the evidence"), blank=True, max_length=500)
    amount = models.DecimalField(
        _("amount won (euro)"), max_digits=14, decimal_places=0, null=True, blank=True
    )
    funding_kind = models.CharField(
        _("incidental or structural"), max_length=12, choices=FundingKind.choices, blank=True
    )
    funding_years = models.CharField(_("for which years"), max_length=40, blank=True)
    follow_up = models.TextField(_("follow-up still needed"), blank=True)
    visibility = visibility_field()
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("lobby dossier")
        verbose_name_plural = _("lobby dossiers")
        ordering: ClassVar = ["title"]
        # A picker's answer reads dossiers in this order, walking the index (core/pickers.py).
        indexes: ClassVar = [models.Index(fields=["title", "id"], name="dossier_picker_order")]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.status_order = status_order_of(self.status)
        fields = kwargs.get("update_fields")
        if fields is not None and "status" in fields and "status_order" not in fields:
            kwargs["update_fields"] = [*fields, "status_order"]
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("advocacy:dossier", args=[self.slug])

    @property
    def status_date_display(self) -> str:
        return format_partial_date(self.status_date, self.status_date_precision)

    @property
    def is_closed(self) -> bool:
        return self.status != DossierStatus.ONGOING


class OutcomeChange(DatedMixin):
    """A change of a dossier's status, with the evidence for it: the dossier's timeline."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="outcome_changes")
    status = models.CharField(_("status"), max_length=14, choices=DossierStatus.choices)
    evidence = models.TextField(_("evidence"))
    evidence_url = models.URLField(_("link to the evidence"), blank=True, max_length=500)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outcome change")
        verbose_name_plural = _("outcome changes")
        ordering: ClassVar = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.dossier}: {self.get_status_display()}"


class ActionKind(models.TextChoices):
    LETTER = "brief", _("letter")
    POSITION_PAPER = "position_paper", _("position paper")
    PROPOSITION = "propositie", _("proposition")
    KEY_MESSAGES = "kernboodschappen", _("key messages")
    RESPONSE = "reactie", _("response to an evaluation")
    HEARING = "hoorzitting", _("round table or hearing in parliament")
    MINISTER_TALK = "gesprek_bewindspersoon", _("talk with a minister")
    MANIFESTO = "manifest", _("manifesto")
    CONTRIBUTION = "bijdrage", _("contribution to an agreement or agenda")
    ELECTION_POINTS = "lobbypunten", _("lobby points for elections or formation")
    OTHER = "overig", _("other")


class Stage(models.TextChoices):
    DRAFT = "concept", _("draft")
    CONSULTATION = "consultatie", _("consulting the member cities")
    ADOPTED = "vastgesteld", _("adopted")
    SENT = "verzonden", _("sent")


def action_upload_to(action: LobbyAction, filename: str) -> str:
    return f"lobby/{action.pk or 'nieuw'}/{filename}"


class LobbyAction(DatedMixin):
    """A letter, position paper, proposition, hearing, … sent or done for one or more dossiers."""

    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=24, choices=ActionKind.choices)
    summary = models.TextField(_("summary"), blank=True)
    dossiers = models.ManyToManyField(
        Dossier, blank=True, related_name="actions", verbose_name=_("dossiers")
    )
    addressees = models.ManyToManyField(
        Organisation, blank=True, related_name="addressed_by", verbose_name=_("addressed to")
    )
    addressee_people = models.ManyToManyField(
        Person, blank=True, related_name="addressed_by", verbose_name=_("addressed to (people)")
    )
    addressee_note = models.CharField(
        _("addressed to (other)"),
        max_length=200,
        blank=True,
        help_text=_("Such as “de kabinetsformatie” when no organisation fits."),
    )
    cosigners = models.ManyToManyField(
        Organisation, blank=True, related_name="cosigned", verbose_name=_("together with")
    )
    bodies = models.ManyToManyField(Body, related_name="lobby_actions", verbose_name=_("bodies"))
    people = models.ManyToManyField(
        Person, blank=True, related_name="lobby_actions", verbose_name=_("people behind it")
    )
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_("The text itself, to read on the page; the member cities read the draft here."),
    )
    document = models.FileField(
        _("document sent"), upload_to=action_upload_to, blank=True, storage=private_storage
    )
    document_url = models.URLField(_("link to the document"), blank=True, max_length=500)
    stage = models.CharField(_("stage"), max_length=12, choices=Stage.choices, default=Stage.DRAFT)
    adopted_by = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adopted_actions",
        verbose_name=_("adopted by"),
    )
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    visibility = visibility_field(default=Visibility.RESTRICTED)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("lobby action")
        verbose_name_plural = _("lobby actions")
        ordering: ClassVar = ["date", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("advocacy:action", args=[self.pk])

    def get_document_url(self) -> str:
        return reverse("advocacy:document", args=[self.pk])


class Consultation(models.Model):
    """A draft put to member cities: which cities, until when, and what the silence of a city
    that does not answer in time means (the network's rule when it was opened)."""

    action = models.OneToOneField(
        LobbyAction, on_delete=models.CASCADE, related_name="consultation"
    )
    municipalities = models.ManyToManyField(
        Municipality, related_name="consultations", verbose_name=_("municipalities consulted")
    )
    deadline = models.DateField(_("answer by"))
    silence_rule = models.CharField(
        _("a city that does not answer in time"), max_length=12, choices=SilenceRule.choices
    )
    message = models.TextField(_("note to the cities"), blank=True)
    opened_on = models.DateField(_("consulted on"))
    opened_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The day the reminders before the deadline went out (each city is reminded once).
    reminders_sent_on = models.DateField(_("reminded on"), null=True, blank=True)

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")

    def __str__(self) -> str:
        return str(self.action)

    def clean(self) -> None:
        if self.deadline and self.opened_on and self.deadline < self.opened_on:
            raise ValidationError({"deadline": _("The deadline cannot be before today.")})


class ConsultationReminder(models.Model):
    """That a consulted city was reminded before the deadline: once per consultation."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="reminders"
    )
    municipality = models.ForeignKey(
        Municipality, on_delete=models.CASCADE, related_name="+", verbose_name=_("municipality")
    )
    sent_at = models.DateTimeField(_("reminded at"))
    sent_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consultation reminder")
        verbose_name_plural = _("consultation reminders")
        ordering: ClassVar = ["sent_at", "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["consultation", "municipality"], name="one_reminder_per_city"
            )
        ]

    def __str__(self) -> str:
        return f"{self.consultation}: {self.municipality}"


class AnswerChannel(models.TextChoices):
    """How an answer recorded on a city's behalf was given."""

    PHONE = "telefoon", _("by phone")
    EMAIL = "e-mail", _("by e-mail")
    LETTER = "brief", _("by letter")
    MEETING = "overleg", _("in a meeting")


class ConsultationAnswer(models.TextChoices):
    AGREES = "eens", _("agrees")
    AGREES_WITH_REMARKS = "eens_met_opmerkingen", _("agrees, with remarks")
    DISAGREES = "oneens", _("disagrees")


class ConsultationResponse(models.Model):
    """A member city's say on a draft: the record that the network spoke for all."""

    action = models.ForeignKey(LobbyAction, on_delete=models.CASCADE, related_name="responses")
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.CASCADE,
        related_name="consultation_responses",
        verbose_name=_("municipality"),
    )
    answer = models.CharField(_("answer"), max_length=22, choices=ConsultationAnswer.choices)
    remark = models.TextField(_("remark"), blank=True)
    answered_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(auto_now=True)
    # An answer recorded on the city's behalf by the secretary or the office: who gave it, how
    # and when (empty for an answer the city's own people gave here).
    given_by = models.CharField(_("given by"), max_length=200, blank=True)
    given_how = models.CharField(
        _("given"), max_length=10, choices=AnswerChannel.choices, blank=True
    )
    given_on = models.DateField(_("given on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("consultation answer")
        verbose_name_plural = _("consultation answers")
        ordering: ClassVar = ["municipality__sort_name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["action", "municipality"], name="one_answer_per_city")
        ]

    def __str__(self) -> str:
        return f"{self.municipality}: {self.get_answer_display()}"

    def clean(self) -> None:
        if self.answer == ConsultationAnswer.AGREES_WITH_REMARKS and not self.remark.strip():
            raise ValidationError({"remark": _("Write the remarks.")})
        if self.answer == ConsultationAnswer.DISAGREES and not self.remark.strip():
            raise ValidationError({"remark": _("Say why the municipality disagrees.")})
        if self.given_how and not self.given_by.strip():
            raise ValidationError({"given_by": _("Say who gave the answer.")})

    @property
    def on_behalf(self) -> bool:
        """Whether the answer was recorded for the city by someone else."""
        return bool(self.given_how)

    @property
    def day(self) -> dt.date:
        """The day the city gave its answer."""
        return self.given_on or timezone.localdate(self.answered_at)


class Milestone(DatedMixin):
    """A dated fact worth reporting that is neither a meeting nor an action."""

    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    bodies = models.ManyToManyField(
        Body, blank=True, related_name="milestones", verbose_name=_("bodies")
    )
    dossiers = models.ManyToManyField(
        Dossier, blank=True, related_name="milestones", verbose_name=_("dossiers")
    )
    visibility = visibility_field()

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering: ClassVar = ["date", "pk"]

    def __str__(self) -> str:
        return self.title
