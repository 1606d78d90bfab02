"""The visibility levels every restricted-able record carries (docs/design.md, "Visibility").

Which user may see which level is decided in one place: ``koepel.accounts.access``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Visibility(models.TextChoices):
    PUBLIC = "public", _("public")
    NETWORK = "network", _("network")
    BODY = "body", _("members of its bodies")
    RESTRICTED = "restricted", _("restricted")


def visibility_field(default: str = Visibility.PUBLIC) -> models.CharField[str, str]:
    return models.CharField(
        _("visibility"),
        max_length=10,
        choices=Visibility.choices,
        default=default,
        db_index=True,
    )
