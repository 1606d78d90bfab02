"""The knowledge base through the API. Files are handed out only through the visibility check,
as the pages do: there is no public address of a stored file."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import transaction
from django.db.models import Model, OuterRef, Prefetch, QuerySet, Subquery
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from koepel.accounts.access import bodies_seen, visible_bodies
from koepel.advocacy.selectors import visible_dossiers
from koepel.api.conditional import etag_of
from koepel.api.filters import year_filter
from koepel.api.serializers import library as s
from koepel.api.views.base import DOMAIN_DATA, Writable
from koepel.api.views.nested import NestedResource, parent_parameter
from koepel.api.views.relations import keep_hidden, unprefetched
from koepel.core.downloads import attachment_response
from koepel.core.uploads import DOCUMENTS
from koepel.library import services
from koepel.library.models import Document, DocumentFile, Section
from koepel.library.selectors import file_for_download
from koepel.meetings.selectors import visible_meetings
from koepel.registry.selectors import visible_people


class DocumentFilter(django_filters.FilterSet):
    soort = django_filters.CharFilter(field_name="kind")
    gremium = django_filters.CharFilter(method="filter_body", label="Slug van een gremium")
    jaar = year_filter("date__year", label="Jaar")
    taal = django_filters.CharFilter(field_name="language")
    wooCategorie = django_filters.CharFilter(field_name="woo_category")

    class Meta:
        model = Document
        fields: list[str] = []

    def filter_body(
        self, queryset: QuerySet[Document], name: str, value: str
    ) -> QuerySet[Document]:
        if not value:
            return queryset
        return queryset.filter(bodies__in=visible_bodies(self.request.user).filter(slug=value))


@extend_schema_view(
    list=extend_schema(
        summary="Documenten",
        description="Rapporten, brieven, position papers, notulen, … uit de kennisbank.",
    ),
    retrieve=extend_schema(summary="Eén document", description="Op slug."),
    create=extend_schema(
        summary="Document toevoegen",
        description=(
            "Zonder bestand; voeg de eerste versie toe met …/bestanden. Voor het netwerkbureau "
            "en de secretaris van elk genoemd gremium."
        ),
    ),
    update=extend_schema(
        summary="Document vervangen",
        description="De gegevens van het document; een nieuw bestand gaat via …/bestanden.",
    ),
    partial_update=extend_schema(
        summary="Document wijzigen", description="Alleen de velden die u meestuurt."
    ),
    destroy=extend_schema(
        summary="Document verwijderen", description="Met alle versies van het bestand."
    ),
)
class DocumentViewSet(Writable):
    list_kinds = DOMAIN_DATA
    serializer_class = s.DocumentSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"
    filterset_class = DocumentFilter
    ordering_fields = ("date", "title")

    def records(self) -> QuerySet[Document]:
        user = self.request.user
        latest = DocumentFile.objects.filter(document=OuterRef("pk")).order_by("-number")
        return (
            Document.objects.select_related("publisher")
            .annotate(
                reading_state=Subquery(latest.values("extraction")[:1]),
                reading_error=Subquery(latest.values("extraction_error")[:1]),
            )
            .prefetch_related(
                bodies_seen(user),
                Prefetch("author_people", queryset=visible_people(user)),
                "author_organisations",
                Prefetch("meetings", queryset=visible_meetings(user).only("pk")),
                Prefetch("dossiers", queryset=visible_dossiers(user).only("pk", "slug")),
            )
            .order_by("-date", "title", "pk")
        )

    def create_record(self, data: dict[str, Any]) -> Model:
        return services.document_create(actor=self.request.user, **data)

    def update_record(self, instance: Document, data: dict[str, Any]) -> Model:
        data = keep_hidden(self, instance, data)
        instance = unprefetched(instance)
        return services.document_update(
            actor=self.request.user, document=instance, version=instance.version, **data
        )

    def delete_record(self, instance: Document) -> None:
        services.document_delete(actor=self.request.user, document=instance)


@extend_schema(parameters=[parent_parameter("document_slug", str, "Slug van het document.")])
class DocumentPart(NestedResource):
    parent_kwarg = "document_slug"
    parent_field = "slug"
    filter_backends: list[Any] = []

    def parent_records(self) -> QuerySet[Document]:
        return Document.objects.all()

    def get_serializer_context(self) -> dict[str, Any]:
        context = dict(super().get_serializer_context())
        context["document_slug"] = self.kwargs.get(self.parent_kwarg, "")
        return context


@extend_schema_view(
    list=extend_schema(
        summary="Versies van het bestand",
        description="Elke versie blijft bewaard; de nieuwste staat bovenaan.",
    ),
    retrieve=extend_schema(summary="Eén versie van het bestand", description="Op nummer."),
)
class DocumentFileViewSet(DocumentPart):
    serializer_class = s.DocumentFileSerializer
    input_serializer_class = s.FileUploadSerializer
    lookup_field = "number"
    lookup_url_kwarg = "nummer"
    lookup_value_regex = "[0-9]{1,18}"
    # A file comes as a form upload; JSON cannot carry one.
    parser_classes = [MultiPartParser]

    def records(self) -> QuerySet[DocumentFile]:
        return DocumentFile.objects.filter(document=self.parent()).order_by("-number")

    @extend_schema(
        summary="Nieuwe versie van het bestand",
        description=(
            "Stuur het bestand als multipart/form-data in het veld bestand. De soort wordt uit "
            "de inhoud gelezen, niet uit de naam; de tekst wordt uitgelezen en in secties "
            "verdeeld."
        ),
        request={"multipart/form-data": s.FileUploadSerializer},
        responses={201: s.DocumentFileSerializer},
    )
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_input_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            document = self.locked_parent()
            version = self.run(
                services.document_add_file,
                actor=request.user,
                document=document,
                file=serializer.validated_data["file"],
            )
        data = self.get_serializer(version).data
        location = reverse(
            "api:document-bestand-detail",
            kwargs={"document_slug": document.slug, "nummer": version.number},
        )
        return Response(
            data,
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_of(data), "Location": request.build_absolute_uri(location)},
        )

    @extend_schema(
        summary="Het bestand zelf",
        description=(
            "Altijd als download (Content-Disposition: attachment), met de soort inhoud van het "
            "bestand (soortInhoud)."
        ),
        responses={
            (200, media_type): OpenApiTypes.BINARY
            for media_type in [*(kind.mime for kind in DOCUMENTS), "application/octet-stream"]
        },
    )
    @action(detail=True, methods=["get"], url_path="inhoud")
    def inhoud(self, request: Request, *args: Any, **kwargs: Any) -> FileResponse:
        number = str(self.kwargs.get("nummer", ""))
        version = file_for_download(
            request.user, str(self.kwargs.get(self.parent_kwarg, "")), int(number)
        )
        if version is None:
            raise exceptions.NotFound()
        return attachment_response(version.file, version.original_name, version.content_type)


@extend_schema_view(
    list=extend_schema(
        summary="Secties van een document",
        description="De tekst van de nieuwste versie, verdeeld per kop, met het pad van koppen.",
    ),
    retrieve=extend_schema(summary="Eén sectie", description="Op positie."),
)
class SectionViewSet(DocumentPart):
    serializer_class = s.SectionSerializer
    lookup_field = "position"
    lookup_url_kwarg = "positie"
    lookup_value_regex = "[0-9]{1,18}"

    def records(self) -> QuerySet[Section]:
        return (
            Section.objects.filter(document=self.parent())
            .select_related("parent")
            .order_by("position")
        )
