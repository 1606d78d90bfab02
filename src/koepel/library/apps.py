from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "koepel.library"
    label = "library"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from koepel import search
        from koepel.library import search_index
        from koepel.library.models import Document, Section

        search.register(
            search.SearchKind(
                model=Document,
                code="document",
                label=_("Documents"),
                to_entry=search_index.document_entry,
                queryset=search_index.documents,
            )
        )
        search.register(
            search.SearchKind(
                model=Section,
                code="sectie",
                label=_("Sections"),
                to_entry=search_index.section_entry,
                queryset=search_index.sections,
            )
        )
