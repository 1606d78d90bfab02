"""The knowledge base: documents, the versions of their file, and their sections."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from koepel.accounts.access import visible_bodies
from koepel.advocacy.selectors import visible_dossiers
from koepel.api.fields import PartialDateField
from koepel.api.serializers.common import SingleLineField, VisibleSlugField
from koepel.api.serializers.registry import all_organisations
from koepel.core.visibility import Visibility
from koepel.library.models import (
    Document,
    DocumentFile,
    DocumentKind,
    Extraction,
    Language,
    Section,
    WooCategory,
)
from koepel.meetings.models import Meeting
from koepel.meetings.selectors import visible_meetings
from koepel.registry.selectors import visible_people


def _visible_meetings(user: Any) -> QuerySet[Meeting]:
    return visible_meetings(user)


def _absolute(serializer: serializers.Serializer[Any], path: str) -> str:
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class DocumentSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    url = serializers.HyperlinkedIdentityField(view_name="api:document-detail", lookup_field="slug")
    slug = serializers.SlugField(
        max_length=90, required=False, help_text="Zonder slug maakt Koepel er een van de titel."
    )
    titel = SingleLineField(source="title", max_length=300)
    soort = serializers.ChoiceField(source="kind", choices=DocumentKind.choices)
    datum = PartialDateField(source="date")
    samenvatting = serializers.CharField(
        source="summary", required=False, allow_blank=True, help_text="In Markdown."
    )
    auteurs = VisibleSlugField(visible_people, source="author_people", many=True, required=False)
    auteurOrganisaties = VisibleSlugField(
        all_organisations, source="author_organisations", many=True, required=False
    )
    uitgever = VisibleSlugField(
        all_organisations, source="publisher", required=False, allow_null=True
    )
    gremia = VisibleSlugField(
        visible_bodies,
        source="bodies",
        many=True,
        required=False,
        help_text="Verplicht voor wie niet van het netwerkbureau is.",
    )
    bijeenkomsten = VisibleSlugField(
        _visible_meetings,
        source="meetings",
        slug_field="id",
        many=True,
        required=False,
        help_text="De id's van de bijeenkomsten waar het document bij hoort.",
    )
    dossiers = VisibleSlugField(visible_dossiers, many=True, required=False)
    wooCategorie = serializers.ChoiceField(
        source="woo_category",
        choices=WooCategory.choices,
        required=False,
        allow_blank=True,
        help_text="Informatiecategorie van de Wet open overheid.",
    )
    taal = serializers.ChoiceField(source="language", choices=Language.choices, required=False)
    zichtbaarheid = serializers.ChoiceField(
        source="visibility", choices=Visibility.choices, required=False
    )
    aangemaakt = serializers.DateTimeField(source="created_at", read_only=True)
    tekstUitlezing = serializers.SerializerMethodField()
    tekstUitlezingReden = serializers.SerializerMethodField()
    bestanden = serializers.SerializerMethodField()
    secties = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = (
            "url",
            "slug",
            "titel",
            "soort",
            "datum",
            "samenvatting",
            "auteurs",
            "auteurOrganisaties",
            "uitgever",
            "gremia",
            "bijeenkomsten",
            "dossiers",
            "wooCategorie",
            "taal",
            "zichtbaarheid",
            "aangemaakt",
            "tekstUitlezing",
            "tekstUitlezingReden",
            "bestanden",
            "secties",
        )

    @extend_schema_field(serializers.ChoiceField(choices=Extraction.choices, allow_null=True))
    def get_tekstUitlezing(self, obj: Document) -> str | None:
        """Hoe ver het lezen van de tekst van de laatste versie van het bestand is; null zonder
        bestand. Pas bij `klaar` is het document op zijn tekst te vinden."""
        return _latest_reading(obj)[0]

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_tekstUitlezingReden(self, obj: Document) -> str | None:
        """Waarom de tekst van de laatste versie niet gelezen kon worden (bij `mislukt`), anders
        leeg; null zonder bestand."""
        return _latest_reading(obj)[1]

    def get_bestanden(self, obj: Document) -> str:
        """De versies van het bestand."""
        path = reverse("api:document-bestand-list", kwargs={"document_slug": obj.slug})
        return _absolute(self, path)

    def get_secties(self, obj: Document) -> str:
        """De delen van de tekst, per kop."""
        path = reverse("api:document-sectie-list", kwargs={"document_slug": obj.slug})
        return _absolute(self, path)


def _latest_reading(document: Document) -> tuple[str | None, str | None]:
    """State and reason of the reading of the document's latest version: as the list read them
    (``api.views.library``), or asked now for a document just written."""
    if hasattr(document, "reading_state"):
        return document.reading_state, getattr(document, "reading_error")  # noqa: B009
    latest = document.files.order_by("-number").values_list("extraction", "extraction_error")
    return latest.first() or (None, None)


class DocumentFileSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    nummer = serializers.IntegerField(source="number", read_only=True)
    bestandsnaam = serializers.CharField(source="original_name", read_only=True)
    soortInhoud = serializers.CharField(source="content_type", read_only=True)
    grootte = serializers.IntegerField(source="size", read_only=True, help_text="In bytes.")
    sha256 = serializers.CharField(read_only=True)
    tekstUitlezing = serializers.ChoiceField(
        source="extraction", choices=Extraction.choices, read_only=True
    )
    tekstUitlezingReden = serializers.CharField(
        source="extraction_error",
        read_only=True,
        help_text="Waarom de tekst niet gelezen kon worden (bij `mislukt`), anders leeg.",
    )
    geplaatst = serializers.DateTimeField(source="uploaded_at", read_only=True)
    inhoud = serializers.SerializerMethodField()

    class Meta:
        model = DocumentFile
        fields = (
            "nummer",
            "bestandsnaam",
            "soortInhoud",
            "grootte",
            "sha256",
            "tekstUitlezing",
            "tekstUitlezingReden",
            "geplaatst",
            "inhoud",
        )

    def get_inhoud(self, obj: DocumentFile) -> str:
        """Het bestand zelf, als download."""
        path = reverse(
            "api:document-bestand-inhoud",
            kwargs={"document_slug": self.context["document_slug"], "nummer": obj.number},
        )
        return _absolute(self, path)


class FileUploadSerializer(serializers.Serializer):  # type: ignore[type-arg]
    bestand = serializers.FileField(
        source="file",
        help_text="PDF, DOCX, ODT, tekst of Markdown; de soort wordt uit de inhoud gelezen.",
    )


@extend_schema_field(
    {
        "type": "integer",
        "nullable": True,
        "readOnly": True,
        "description": "De positie van de sectie erboven; leeg voor een sectie bovenaan.",
    }
)
class ParentPositionField(serializers.SlugRelatedField):  # type: ignore[type-arg]
    """The section above by its position. Described by hand: the range the model field would
    give depends on the database (64 bits on SQLite, 32 on PostgreSQL), and the published
    document must be the same on both."""


class SectionSerializer(serializers.ModelSerializer):  # type: ignore[type-arg]
    positie = serializers.IntegerField(source="position", read_only=True)
    niveau = serializers.IntegerField(source="level", read_only=True)
    titel = serializers.CharField(source="title", read_only=True)
    pad = serializers.CharField(
        source="trail", read_only=True, help_text="De koppen boven deze sectie, van boven af."
    )
    tekst = serializers.CharField(source="text", read_only=True)
    onderdeelVan = ParentPositionField(source="parent", slug_field="position", read_only=True)

    class Meta:
        model = Section
        fields = ("positie", "niveau", "titel", "pad", "tekst", "onderdeelVan")
