from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LibraryConfig(AppConfig):
    name = "koepel.library"
    label = "library"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from koepel import search
        from koepel.accounts import access
        from koepel.core import pickers
        from koepel.library import search_index, selectors
        from koepel.library.models import Document, Section

        # Documents chosen by typing their title in a form, among those the user may see; the
        # year tells two documents of one title apart.
        pickers.register(
            pickers.PickerKind(
                name="documents",
                path="documenten",
                model=Document,
                records=selectors.visible_documents,
                viewer=access.viewer_for,
                noun=_("document"),
                name_field="title",
                order=("title", "pk"),
                detail_columns=("date",),
                detail=lambda date: str(date)[:4] if date else "",
            )
        )

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
