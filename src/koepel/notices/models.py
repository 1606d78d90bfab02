"""Notifications: what each person wants to hear of, what happened, what was sent to whom,
and the secret addresses of personal feeds.

What happened (``Event``) is derived from the records themselves (``events.py``): a meeting's
version, a document's arrival, minutes that appear, an action's owner, a lobby action put to the
cities. Who hears of it is decided when it is sent, through the one access check, and each
``Delivery`` row keeps it from being sent to the same person twice.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from koepel.registry.models import Body, Person


class Kind(models.TextChoices):
    MEETINGS = "bijeenkomsten", _("new or changed meetings of my bodies")
    MINUTES = "verslagen", _("minutes published")
    ACTIONS = "actiepunten", _("actions given to me")
    CONSULTATIONS = "raadplegingen", _("consultations for my city")
    DOCUMENTS = "documenten", _("documents added in my bodies")


class Frequency(models.TextChoices):
    IMMEDIATELY = "direct", _("immediately")
    DAILY = "dagelijks", _("in a daily digest")
    WEEKLY = "wekelijks", _("in a weekly digest")
    NEVER = "nooit", _("not at all")


# What someone hears of who never chose: what is theirs at once, the rest in digests.
DEFAULTS: dict[str, str] = {
    Kind.MEETINGS: Frequency.DAILY,
    Kind.MINUTES: Frequency.DAILY,
    Kind.ACTIONS: Frequency.IMMEDIATELY,
    Kind.CONSULTATIONS: Frequency.IMMEDIATELY,
    Kind.DOCUMENTS: Frequency.WEEKLY,
}


def _frequency(label: Any, kind: str) -> models.CharField[str, str]:
    return models.CharField(label, max_length=10, choices=Frequency.choices, default=DEFAULTS[kind])


class Preferences(models.Model):
    """A person's choices; a person without a row has the defaults."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="notice_preferences"
    )
    meetings = _frequency(_("new or changed meetings of my bodies"), Kind.MEETINGS)
    minutes = _frequency(_("minutes published"), Kind.MINUTES)
    actions = _frequency(_("actions given to me"), Kind.ACTIONS)
    consultations = _frequency(_("consultations for my city"), Kind.CONSULTATIONS)
    documents = _frequency(_("documents added in my bodies"), Kind.DOCUMENTS)
    # When the last digest of each rhythm went out: one digest per day or week at most.
    daily_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    weekly_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("notification preferences")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.person)

    FIELDS: ClassVar[dict[str, str]] = {
        Kind.MEETINGS: "meetings",
        Kind.MINUTES: "minutes",
        Kind.ACTIONS: "actions",
        Kind.CONSULTATIONS: "consultations",
        Kind.DOCUMENTS: "documents",
    }

    def frequency(self, kind: str) -> str:
        return str(getattr(self, self.FIELDS[kind]))


class Event(models.Model):
    """Something that happened to a record, found by comparing the records with what was seen
    before. ``key`` names the state (a meeting's version, an action's owner), so the same state
    is one event however often it is looked at. Events found the first time Koepel looked
    (``baseline``) are history and are never sent."""

    kind = models.CharField(max_length=16, choices=Kind.choices)
    key = models.CharField(max_length=80)
    object_id = models.PositiveBigIntegerField()
    is_new = models.BooleanField(default=False)
    seen_at = models.DateTimeField(db_index=True)
    baseline = models.BooleanField(default=False)
    # Whether those who want this kind at once have been sent it.
    dispatched = models.BooleanField(default=False, db_index=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "key"], name="notices_event_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class Delivery(models.Model):
    """That an event went to a person (at once or in a digest): never again."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    sent_at = models.DateTimeField()

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["event", "person"], name="notices_delivery_once")
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.person}"


class Scan(models.Model):
    """How far the looking has come (one row): records changed since ``scanned_at`` (less a
    margin) are looked at again."""

    scanned_at = models.DateTimeField()
    # The moments of the last daily and weekly digests that went to everyone due.
    daily_done = models.DateTimeField(null=True, blank=True)
    weekly_done = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scan")
        verbose_name_plural = _("scans")

    def __str__(self) -> str:
        return str(self.scanned_at)


def feed_token_hash(secret: str) -> str:
    """The stored form of a feed address's secret: long and random, so a plain SHA-256 finds
    it by one indexed lookup and tells nothing of it."""
    return hashlib.sha256(secret.encode()).hexdigest()


def new_feed_secret() -> str:
    return secrets.token_urlsafe(32)


class FeedToken(models.Model):
    """The secret address of one person's feed of one body's meetings, holding what that person
    may see. Kept as a hash: the address is shown once, when it is made."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="feed_tokens")
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("personal feed address")
        verbose_name_plural = _("personal feed addresses")
        ordering: ClassVar = ["body__name", "pk"]

    def __str__(self) -> str:
        return f"{self.person} · {self.body} ({'revoked' if self.revoked_at else 'active'})"
