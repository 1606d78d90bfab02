"""The system check that every model of Koepel's own apps declares how it may be seen."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.checks import CheckMessage, Error, register
from django.db import models

from koepel.accounts.paths import OWN_APPS, PATHS


def check_models(candidates: Iterable[type[models.Model]]) -> list[CheckMessage]:
    """An error for each of these models (of Koepel's own apps) without an access path."""
    return [
        Error(
            f"{model._meta.label} has no access path, so no one could be shown its records.",
            hint="Declare how it is seen in koepel.accounts.paths.PATHS.",
            obj=model,
            id="accounts.E001",
        )
        for model in candidates
        if model._meta.app_label in OWN_APPS
        and (model._meta.concrete_model or model)._meta.label_lower not in PATHS
    ]


@register("koepel")
def every_model_declares_its_access_path(
    app_configs: Any = None, **kwargs: Any
) -> list[CheckMessage]:
    return check_models(apps.get_models())
