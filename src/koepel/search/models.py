"""What the search box searches: one row per record a user may find, whatever its app.

The text index itself lives beside this table in the engine's own structure (an FTS5 table on
SQLite, a tsvector column on PostgreSQL; see ``engines``), created by migration 0002 and given
the entries' access terms by migration 0005.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from koepel.core.visibility import Visibility

if TYPE_CHECKING:
    from django.db.models.sql.compiler import _AsSqlType


class SearchEntry(models.Model):
    key = models.CharField(max_length=120, unique=True, help_text="app_label.model:pk")
    kind = models.CharField(_("kind"), max_length=20)
    title = models.TextField(_("title"))
    text = models.TextField(_("text"), blank=True)
    url = models.TextField("URL")
    trail = models.TextField(_("trail"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    # Kind, year and visibility are read through the filter index below, always by id: an
    # index of their own would only slow down writing.
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    # By name, not by import: search sits below the registry (docs/architecture.md).
    bodies = models.ManyToManyField(
        "registry.Body", blank=True, related_name="+", verbose_name=_("bodies")
    )
    people = models.ManyToManyField(
        "registry.Person", blank=True, related_name="+", verbose_name=_("people")
    )
    # People who find the entry whatever its visibility: those invited to a meeting.
    guests = models.ManyToManyField(
        "registry.Person", blank=True, related_name="+", verbose_name=_("guests")
    )

    # The one access check (handed to search, see ``access``) filters search results like
    # any record, by the path declared for entries in accounts.paths.

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        ordering: ClassVar = ["pk"]
        indexes: ClassVar = [
            # What the visibility check and the filters read of each matching entry, so that
            # they need not read the wide rows (the text is read for one page of snippets).
            models.Index(fields=["id", "visibility", "kind", "year"], name="search_entry_filter")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class WordCount(models.Model):
    """How many entries of a kind and visibility level hold a common word, as the index holds
    it (its stem), or a word that starts with a prefix (``werk*``): kept by every write of the
    index from the first search of it on (``wordcounts``). A word is counted when it has a
    row; a row may hold 0."""

    word = models.CharField(max_length=100)
    kind = models.CharField(max_length=20)
    visibility = models.CharField(max_length=10, choices=Visibility.choices)
    entries = models.PositiveIntegerField(default=0)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["word", "kind", "visibility"], name="search_word_count_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.word} ({self.kind}, {self.visibility}): {self.entries}"


class MatchField(models.TextField):  # type: ignore[type-arg]
    """FTS5's hidden column named after its table: ``search_fts MATCH 'query'``."""


@MatchField.register_lookup
class Match(models.Lookup[str]):
    lookup_name = "match"

    def as_sql(self, compiler: Any, connection: Any) -> _AsSqlType:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} MATCH {rhs}", (*lhs_params, *rhs_params)


class TextIndexRow(models.Model):
    """A row of the SQLite engine's FTS5 table (migrations 0002 and 0005), declared so that
    the access rules know it (``accounts.paths``: read only with its entry). On PostgreSQL the
    table does not exist and nothing refers to this model."""

    entry = models.OneToOneField(
        SearchEntry,
        on_delete=models.DO_NOTHING,
        primary_key=True,
        db_column="rowid",
        related_name="text_index",
    )
    search_fts = MatchField()
    title = models.TextField()
    text = models.TextField()
    access = models.TextField()  # the entry's terms (``search.terms``)

    class Meta:
        managed = False
        db_table = "search_fts"

    def __str__(self) -> str:
        return f"{self.entry_id}: {self.title}"
