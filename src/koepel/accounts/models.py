"""Sign-in accounts. An account is not a person: it may be linked to one (docs/design.md)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from koepel.registry.models import Person


class User(AbstractUser):
    person = models.OneToOneField(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="account",
        verbose_name=_("person"),
        help_text=_("The person this account belongs to; their roles decide what it may see."),
    )
    is_office = models.BooleanField(
        _("network office"),
        default=False,
        help_text=_("The network office reads and edits every record."),
    )

    # Optimistic locking: a save names the version it started from (core/locking.py).
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")

    def __str__(self) -> str:
        return self.person.name if self.person else self.username
