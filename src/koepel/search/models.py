"""What the search box searches: one row per record a user may find, whatever its app.

The text index itself lives beside this table in the engine's own structure (an FTS5 table on
SQLite, a tsvector column on PostgreSQL; see ``engines``), created by migration 0002.
"""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from koepel.core.visibility import visibility_field
from koepel.registry.models import Body, Person


class SearchEntry(models.Model):
    key = models.CharField(max_length=120, unique=True, help_text="app_label.model:pk")
    kind = models.CharField(_("kind"), max_length=20, db_index=True)
    title = models.TextField(_("title"))
    text = models.TextField(_("text"), blank=True)
    url = models.TextField("URL")
    trail = models.TextField(_("trail"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    visibility = visibility_field()
    bodies = models.ManyToManyField(Body, blank=True, related_name="+", verbose_name=_("bodies"))
    people = models.ManyToManyField(Person, blank=True, related_name="+", verbose_name=_("people"))

    # The one access check (koepel.accounts.access) filters search results like any record.
    access_bodies = "bodies"
    access_people = "people"

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        ordering: ClassVar = ["pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
