from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "koepel.api"
    label = "api"
    verbose_name = _("API")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The OpenAPI description of the token scheme registers itself on import.
        # Every API view reads through the visibility check (system checks api.E001-E003).
        from koepel.accounts import credentials
        from koepel.api import (
            checks,  # noqa: F401
            schema,  # noqa: F401
        )
        from koepel.api.services import tokens_revoke_all

        # A reset second factor or a blocked account revokes the user's tokens in the same
        # transaction; accounts sits below this app, so the revocation is handed to it here.
        credentials.register(tokens_revoke_all)
