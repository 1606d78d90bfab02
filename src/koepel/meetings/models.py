"""Meetings of the network's bodies: agenda, guests, attendance, minutes, decisions, actions."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from koepel.core.dates import (
    Precision,
    format_partial_date,
    normalise,
    period_end,
    precision_field,
)
from koepel.core.storage import private_storage
from koepel.core.visibility import Visibility, visibility_field
from koepel.registry.models import Body, Organisation, Person, TermField, Vocabulary

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


class Level(models.TextChoices):
    ADMINISTRATIVE = "bestuurlijk", _("administrative")
    OFFICIAL = "ambtelijk", _("official")
    BOTH = "beide", _("administrative and official")


class Format(models.TextChoices):
    IN_PERSON = "fysiek", _("in person")
    ONLINE = "online", _("online")
    HYBRID = "hybride", _("hybrid")


class Status(models.TextChoices):
    PLANNED = "gepland", _("planned")
    HELD = "gehouden", _("held")
    CANCELLED = "geannuleerd", _("cancelled")


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def in_year(self, year: int) -> MeetingQuerySet:
        return self.filter(date__year=year)

    def not_cancelled(self) -> MeetingQuerySet:
        return self.exclude(status=Status.CANCELLED)

    def coming(self, today: dt.date) -> MeetingQuerySet:
        """Meetings not yet over on ``today``, soonest first: whose day, last day, or month
        or year (for a date known only so far) is today or later."""
        return self.filter(coming_filter(today)).order_by("date", "start_time", "pk")

    def past(self, today: dt.date) -> MeetingQuerySet:
        """Meetings over before ``today``, the most recent first."""
        return self.exclude(coming_filter(today)).order_by(
            F("date").desc(), F("start_time").desc(nulls_last=True), "-pk"
        )


def coming_filter(today: dt.date) -> models.Q:
    """The meetings not yet over on ``today`` (see ``MeetingQuerySet.coming``)."""
    return (
        models.Q(date__gte=today)
        | models.Q(end_date__gte=today)
        | models.Q(date_precision=Precision.MONTH, date__gte=today.replace(day=1))
        | models.Q(date_precision=Precision.YEAR, date__year__gte=today.year)
    )


class Meeting(models.Model):
    title = models.CharField(_("title"), max_length=200)
    kind = TermField(_("kind"), vocabulary=Vocabulary.MEETING_KIND)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    hubs = models.CharField(
        _("regional hubs"),
        max_length=300,
        blank=True,
        help_text=_("Where a congress also has regional locations: which."),
    )
    date = models.DateField(_("date"))
    date_precision = precision_field(_("date precision"))
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    description = models.TextField(_("topics"), blank=True)
    bodies = models.ManyToManyField(Body, related_name="meetings", verbose_name=_("organised by"))
    # Of a joint meeting, the body that organised it: the annual report tells the meeting in
    # full under it and refers to it from the others. One of ``bodies`` (the services see to
    # that); empty for a joint meeting recorded before it was asked, or whose organiser left.
    organiser = models.ForeignKey(
        Body,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organised_meetings",
        verbose_name=_("organiser"),
        help_text=_("Of a joint meeting: which of its bodies organised it."),
    )
    prepares = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="prepared_by",
        verbose_name=_("prepares"),
        help_text=_("The meeting this one prepares, such as the administrators' meeting."),
    )
    part_of = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("session of"),
        help_text=_("For a parallel session: the meeting it is part of."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    # A new meeting is for the members of its bodies until its secretary opens it up: the
    # narrowest level at which those members still see it (docs/design.md, "Visibility").
    visibility = visibility_field(default=Visibility.BODY)
    minutes = models.TextField(_("minutes"), blank=True)
    # Optimistic locking: a save names the version it started from (see services).
    version = models.PositiveIntegerField(default=1, editable=False)
    minutes_version = models.PositiveIntegerField(default=1, editable=False)
    submission = models.UUIDField(
        null=True,
        blank=True,
        unique=True,
        editable=False,
        help_text="The planning form's token, so that a form sent twice makes one meeting.",
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # iCalendar's SEQUENCE (RFC 5545, 3.8.7.4): raised with every change the invitees are mailed
    # about (time, place, cancellation), so a calendar knows which message is the latest.
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering: ClassVar = ["date", "start_time", "pk"]
        indexes: ClassVar = [
            models.Index(fields=["date"]),
            # Almost every meeting prepares none and is part of none. SQLite's statistics count
            # the empty values as one, which makes the indexes on these columns look useless,
            # and it then walks every meeting in date order to find one meeting's preparations
            # and sessions; an index of the meetings that have one says what it holds.
            models.Index(
                fields=["prepares"],
                condition=models.Q(prepares__isnull=False),
                name="meeting_prepares_set",
            ),
            models.Index(
                fields=["part_of"],
                condition=models.Q(part_of__isnull=False),
                name="meeting_part_of_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.date_display})"

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting", args=[self.pk])

    @property
    def days(self) -> tuple[dt.date, dt.date]:
        """The first and last day the meeting may have been on: its date, to its end date or
        to the end of the month or year a date known only so far stands for."""
        first = normalise(self.date, self.date_precision)
        last = self.end_date or period_end(self.date, self.date_precision)
        return first, max(first, last)

    def clean(self) -> None:
        if self.date:
            self.date = normalise(self.date, self.date_precision)
        errors: dict[str, Any] = {}
        if self.date_precision != Precision.DAY and (self.start_time or self.end_time):
            errors["start_time"] = _("A time needs a date known to the day.")
        if self.end_date and self.date and self.end_date < self.date:
            errors["end_date"] = _(
                "The end date lies before the start date. Choose an end date after %(start)s."
            ) % {"start": self.date_display}
        elif (
            self.start_time
            and self.end_time
            and (self.end_date in (None, self.date))
            and self.end_time <= self.start_time
        ):
            errors["end_time"] = _("The end time lies before the start time.")
        if errors:
            raise ValidationError(errors)

    @property
    def date_display(self) -> str:
        return format_partial_date(self.date, self.date_precision)

    @property
    def has_begun(self) -> bool:
        """Whether the meeting has started: from its start time when known, else from its
        first day. Only then is it closed with who was present."""
        starts = self.starts_at
        if starts is not None:
            return starts <= timezone.now()
        return self.days[0] <= timezone.localdate()

    @property
    def starts_at(self) -> dt.datetime | None:
        if self.date_precision != Precision.DAY or self.start_time is None:
            return None
        return dt.datetime.combine(self.date, self.start_time, tzinfo=AMSTERDAM)

    @property
    def ends_at(self) -> dt.datetime | None:
        if self.end_time is None or self.starts_at is None:
            return None
        return dt.datetime.combine(self.end_date or self.date, self.end_time, tzinfo=AMSTERDAM)

    @property
    def is_online(self) -> bool:
        return self.format == Format.ONLINE


class Guest(models.Model):
    """An external speaker: a person or an organisation, and what they spoke about."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guest_appearances",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="guest_appearances",
        verbose_name=_("organisation"),
    )
    topic = models.CharField(_("topic"), max_length=300, blank=True)

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("guest")
        verbose_name_plural = _("guests")
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return str(self.person or self.organisation)

    def clean(self) -> None:
        if not self.person_id and not self.organisation_id:
            raise ValidationError(_("Choose the person or the organisation who spoke."))


def agenda_upload_to(item: AgendaItem, filename: str) -> str:
    return f"agenda/{item.meeting_id}/{secrets.token_hex(8)}/{filename}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=300)
    presenter = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("presenter"),
    )
    duration = models.PositiveSmallIntegerField(_("duration in minutes"), null=True, blank=True)
    session = models.CharField(
        _("session"),
        max_length=100,
        blank=True,
        help_text=_("For parallel sessions: which session this item belongs to."),
    )
    attachment = models.FileField(
        _("attachment"), upload_to=agenda_upload_to, blank=True, storage=private_storage
    )

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.title

    def get_attachment_url(self) -> str:
        return reverse("meetings:attachment", args=[self.meeting_id, self.pk])


class Answer(models.TextChoices):
    # One answer for "I will not be there": "komt niet" and "afgemeld" (sent apologies) used to
    # be two, which readers could not tell apart; a reason goes in the note.
    INVITED = "uitgenodigd", _("not answered yet")
    COMING = "komt", _("coming")
    NOT_COMING = "komt_niet", _("not coming")


class MailLanguage(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


class Invitation(models.Model):
    """Someone invited to a meeting: a person in the registry, or a guest from outside known
    only by name and e-mail address (``person`` empty)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
        verbose_name=_("person"),
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("For a guest from outside.")
    )
    email = models.EmailField(
        _("e-mail address"),
        blank=True,
        help_text=_("Where the mail about this meeting goes; for a person, instead of theirs."),
    )
    language = models.CharField(
        _("language of the mail"),
        max_length=2,
        choices=MailLanguage.choices,
        blank=True,
        help_text=_("For a guest from outside; a person's mail is in their own language."),
    )
    answer = models.CharField(
        _("answer"), max_length=12, choices=Answer.choices, default=Answer.INVITED
    )
    note = models.TextField(_("note"), max_length=1000, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    mailed_at = models.DateTimeField(
        _("mailed at"),
        null=True,
        blank=True,
        help_text=_("When the invitation was last queued to be mailed; empty: never."),
    )
    present = models.BooleanField(_("present"), null=True, blank=True)

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering: ClassVar = [Coalesce("person__sort_name", "name"), "pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["meeting", "person"], name="invitation_once"),
            models.UniqueConstraint(
                fields=["meeting", "email"],
                condition=models.Q(person__isnull=True),
                name="guest_invitation_once",
            ),
            models.CheckConstraint(
                condition=models.Q(person__isnull=False)
                | (~models.Q(name="") & ~models.Q(email="")),
                name="invitation_of_a_person_or_a_guest",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invitee_name} → {self.meeting}"

    def clean(self) -> None:
        if self.person_id is None and not (self.name.strip() and self.email.strip()):
            raise ValidationError(_("Give the guest's name and e-mail address."))

    @property
    def is_guest(self) -> bool:
        return self.person_id is None

    @property
    def invitee_name(self) -> str:
        return self.person.name if self.person is not None else self.name

    @property
    def address(self) -> str:
        """Where mail about this meeting goes: the invitation's own address, else the person's."""
        if self.email:
            return self.email
        return self.person.email if self.person is not None else ""

    @property
    def mail_language(self) -> str:
        if self.person is not None:
            return self.person.language or MailLanguage.DUTCH
        return self.language or MailLanguage.DUTCH


class Decision(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("decision"))

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering: ClassVar = ["position", "pk"]

    def __str__(self) -> str:
        return self.text[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    IN_PROGRESS = "bezig", _("in progress")
    DONE = "afgerond", _("done")


class ActionItem(models.Model):
    """An action from the action list: carried from meeting to meeting until it is done."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("raised at")
    )
    body = models.ForeignKey(
        Body, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("body")
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_items",
        verbose_name=_("owner"),
    )
    due = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_in = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions_done",
        verbose_name=_("done in"),
    )

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        ordering: ClassVar = ["due", "pk"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def status_choices(self) -> list[tuple[str, Any]]:
        return list(ActionStatus.choices)


def new_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarToken(models.Model):
    """The secret in a person's own calendar feed address; revoking it closes the feed."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="calendar_tokens")
    token = models.CharField(max_length=64, unique=True, editable=False, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("calendar address")
        verbose_name_plural = _("calendar addresses")

    def __str__(self) -> str:
        return f"{self.person} ({'revoked' if self.revoked_at else 'active'})"
