"""``/api/v1``: Dutch plural nouns, no trailing slash (NL API Design Rules API-05, API-48)."""

from __future__ import annotations

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter
from rest_framework_nested.routers import NestedSimpleRouter

from koepel.api import problems
from koepel.api.views import advocacy, library, meetings, registry, reports
from koepel.api.views.openapi import openapi_document
from koepel.api.views.search import SearchView

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("gemeenten", registry.MunicipalityViewSet, basename="gemeente")
router.register("organisaties", registry.OrganisationViewSet, basename="organisatie")
router.register("personen", registry.PersonViewSet, basename="persoon")
router.register("gremia", registry.BodyViewSet, basename="gremium")
router.register("rollen", registry.RoleViewSet, basename="rol")
router.register("deelnames", registry.ParticipationViewSet, basename="deelname")
router.register("lidmaatschappen", registry.MembershipViewSet, basename="lidmaatschap")
router.register("bijeenkomsten", meetings.MeetingViewSet, basename="bijeenkomst")

meeting_parts = NestedSimpleRouter(
    router, "bijeenkomsten", lookup="bijeenkomst", trailing_slash=False
)
meeting_parts.register("agendapunten", meetings.AgendaItemViewSet, basename="agendapunt")
meeting_parts.register("gasten", meetings.GuestViewSet, basename="gast")
meeting_parts.register("besluiten", meetings.DecisionViewSet, basename="besluit")
meeting_parts.register("actiepunten", meetings.ActionItemViewSet, basename="actiepunt")
meeting_parts.register("uitnodigingen", meetings.InvitationViewSet, basename="uitnodiging")

# Lobby, knowledge base and annual reports, with the records that live under them.
router.register("lobbydossiers", advocacy.DossierViewSet, basename="lobbydossier")
router.register("lobbyacties", advocacy.ActionViewSet, basename="lobbyactie")
router.register("mijlpalen", advocacy.MilestoneViewSet, basename="mijlpaal")
router.register("documenten", library.DocumentViewSet, basename="document")
router.register("jaarverslagen", reports.AnnualReportViewSet, basename="jaarverslag")
nested: list[NestedSimpleRouter] = []
for parent, lookup, children in (
    ("lobbydossiers", "lobbydossier", [("uitkomsten", advocacy.OutcomeViewSet, "uitkomst")]),
    ("lobbyacties", "lobbyactie", [("reacties", advocacy.ConsultationViewSet, "reactie")]),
    (
        "documenten",
        "document",
        [
            ("bestanden", library.DocumentFileViewSet, "bestand"),
            ("secties", library.SectionViewSet, "sectie"),
        ],
    ),
    ("jaarverslagen", "jaarverslag", [("secties", reports.AnnualReportSectionViewSet, "sectie")]),
):
    under = NestedSimpleRouter(router, parent, lookup=lookup, trailing_slash=False)
    for prefix, viewset, name in children:
        under.register(prefix, viewset, basename=f"{lookup}-{name}")
    nested.append(under)

urlpatterns = [
    path("openapi.json", openapi_document, name="openapi"),
    path("zoeken", SearchView.as_view(), name="zoeken"),
    path(
        "netwerk",
        registry.NetworkViewSet.as_view(
            {"get": "retrieve", "put": "update", "patch": "partial_update"}
        ),
        name="netwerk",
    ),
    path("", include(router.urls)),
    path("", include(meeting_parts.urls)),
    *(path("", include(under.urls)) for under in nested),
    # Anything else under the API, a trailing slash included, is a 404 in the API's own form.
    re_path(r"^[\s\S]*$", problems.not_found),
]
