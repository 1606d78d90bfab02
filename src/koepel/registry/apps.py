from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "koepel.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self) -> None:
        # Registers the app's records with the search index.
        from koepel.registry import search_index  # noqa: F401
