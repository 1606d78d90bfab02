from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "koepel.audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        from koepel.audit.registration import register_all

        register_all()
