from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    name = "koepel.advocacy"
    label = "advocacy"
    verbose_name = _("Advocacy")

    def ready(self) -> None:
        from koepel import search
        from koepel.accounts import access
        from koepel.advocacy import search_index, selectors
        from koepel.advocacy.models import Dossier, LobbyAction, Milestone
        from koepel.core import pickers

        # Dossiers chosen by typing their title in a form, among those the user may see.
        pickers.register(
            pickers.PickerKind(
                name="dossiers",
                path="dossiers",
                model=Dossier,
                records=selectors.visible_dossiers,
                viewer=access.viewer_for,
                noun=_("dossier"),
                name_field="title",
                order=("title", "pk"),
            )
        )

        search.register(
            search.SearchKind(
                model=Dossier,
                code="lobbydossier",
                label=_("Lobby dossiers"),
                to_entry=search_index.dossier_entry,
                queryset=search_index.dossiers,
            )
        )
        search.register(
            search.SearchKind(
                model=LobbyAction,
                code="lobbyactie",
                label=_("Lobby actions"),
                to_entry=search_index.action_entry,
                queryset=search_index.actions,
            )
        )
        search.register(
            search.SearchKind(
                model=Milestone,
                code="mijlpaal",
                label=_("Milestones"),
                to_entry=search_index.milestone_entry,
                queryset=search_index.milestones,
            )
        )
