"""``/api/v1``: Dutch plural nouns, no trailing slash (NL API Design Rules API-05, API-48)."""

from __future__ import annotations

from django.urls import include, path, re_path
from rest_framework.routers import SimpleRouter
from rest_framework_nested.routers import NestedSimpleRouter

from koepel.api import problems
from koepel.api.views import advocacy, library, registry, reports
from koepel.api.views.openapi import openapi_document

app_name = "api"

router = SimpleRouter(trailing_slash=False)
router.register("gemeenten", registry.MunicipalityViewSet, basename="gemeente")
router.register("organisaties", registry.OrganisationViewSet, basename="organisatie")
router.register("personen", registry.PersonViewSet, basename="persoon")
router.register("gremia", registry.BodyViewSet, basename="gremium")
router.register("rollen", registry.RoleViewSet, basename="rol")
router.register("deelnames", registry.ParticipationViewSet, basename="deelname")

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
    # Grouped under "/" so that no route starts with a slash of its own (Django's urls.W002).
    path(
        "/",
        include(
            [
                path("openapi.json", openapi_document, name="openapi"),
                path("netwerk", registry.NetworkViewSet.as_view({"get": "list"}), name="netwerk"),
            ]
        ),
    ),
    path("/", include(router.urls)),
    *(path("/", include(under.urls)) for under in nested),
    # Anything else under the API, a trailing slash included, is a 404 in the API's own form.
    re_path(r"^.*$", problems.not_found),
]
