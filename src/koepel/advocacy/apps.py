from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdvocacyConfig(AppConfig):
    name = "koepel.advocacy"
    label = "advocacy"
    verbose_name = _("Advocacy")

    def ready(self) -> None:
        from koepel import search
        from koepel.advocacy import search_index
        from koepel.advocacy.models import Dossier, LobbyAction, Milestone

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
