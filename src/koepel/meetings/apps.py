from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "koepel.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self) -> None:
        from koepel import search
        from koepel.meetings import scopes, search_index
        from koepel.meetings.models import Meeting

        scopes.declare()

        search.register(
            search.SearchKind(
                model=Meeting,
                code="bijeenkomst",
                label=_("Meetings"),
                to_entry=search_index.meeting_entry,
                queryset=search_index.meetings,
            )
        )
