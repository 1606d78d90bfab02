from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "koepel.library"
    label = "library"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from koepel.library import search_index

        search_index.register()
