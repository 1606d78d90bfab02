"""The one table of ``core``: the versions of the data, by kind (koepel.core.caching)."""

from __future__ import annotations

from django.db import models


class DataVersion(models.Model):
    """A token that changes with every write of one kind of data (an app's records), in the
    transaction of that write: every process and server that reads it sees the change with the
    data itself. Rendered parts of pages are kept under the tokens of the kinds they show."""

    kind = models.CharField(max_length=40, primary_key=True)
    token = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.kind}: {self.token}"


class ScopedVersion(models.Model):
    """A token that changes with every write of one kind of data within one scope (the
    meetings of one body, say): a part that shows only that scope is kept under it, and a write
    elsewhere leaves it be. Kept apart from ``DataVersion``, which every request reads whole,
    as there are as many scopes as bodies."""

    kind = models.CharField(max_length=40)
    scope = models.CharField(max_length=80)
    token = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope"], name="core_one_token_per_scope")
        ]

    def __str__(self) -> str:
        return f"{self.kind}@{self.scope}: {self.token}"
